import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { TrafficRecord } from '../records/traffic-record';
import type { FeatureSpec } from './feature-spec.types';
import { describeField, fieldLabel } from './feature.describers';
import { featureLayout, type FeatureLayout } from './feature.layout';

export interface FeatureExplanation {
  /** Human name of the raw field ("destination port") or the attribute column name. */
  feature: string;
  value: string;
  typical: string;
  /**
   * Share of the listed fields' total (0..1, summing to 1 when any field pushed the score up):
   * from the detector's contributions summed over the field's columns, else from its deviation from training.
   */
  weight: number;
  message: string;
}

function checkLength(what: string, actual: number, expected: number): void {
  if (actual !== expected) {
    throw new AppError(ErrorCode.DIMENSION_MISMATCH, `${what} has ${actual} columns, the feature spec encodes ${expected}`, {
      actual,
      expected,
    });
  }
}

/**
 * The `top` fields that best explain why `record` scored as it did. One-hot
 * and indicator columns are summed back to the field they came from, so a
 * person reads "destination port" rather than "destPort:registered".
 * With a detector's per-column `contributions` those decide the ranking;
 * without, fields rank by how far the record is from training.
 */
export function explain(
  spec: FeatureSpec,
  record: TrafficRecord,
  row: Float64Array,
  contributions?: Float64Array,
  top = 3,
): FeatureExplanation[] {
  const { names, offsets } = layoutOf(spec);
  checkLength('row', row.length, names.length);
  const describe = (i: number): FeatureExplanation => {
    const def = spec.features[i];
    const d = describeField(def, record, row[offsets[i]], spec);
    const weight = contributions === undefined ? d.deviation : sum(contributions, offsets[i], offsets[i + 1]);
    return { feature: fieldLabel(def), value: d.value, typical: d.typical, weight, message: d.message };
  };
  const count = Math.max(0, top);
  // Stable sorts: equal weights keep spec order, so the output is deterministic.
  if (contributions === undefined) return asShares(spec.features.map((_, i) => describe(i)).sort((a, b) => b.weight - a.weight).slice(0, count));
  checkLength('contributions', contributions.length, names.length);
  // The weights need no description: only the fields listed are described (every anomaly is explained).
  const weights = spec.features.map((_, i) => sum(contributions, offsets[i], offsets[i + 1]));
  const order = weights.map((_, i) => i).sort((a, b) => weights[b] - weights[a]);
  return asShares(order.slice(0, count).map(describe));
}

/** Layouts by spec: a spec is fixed once fitted, and naming every column per explanation cost more than the rest of it. */
const layouts = new WeakMap<FeatureSpec, FeatureLayout>();

function layoutOf(spec: FeatureSpec): FeatureLayout {
  let layout = layouts.get(spec);
  if (layout === undefined) {
    layout = featureLayout(spec);
    layouts.set(spec, layout);
  }
  return layout;
}

/** Raw deviations (robust z, surprise) and contributions have no common unit; shares of the listed total do. */
function asShares(list: FeatureExplanation[]): FeatureExplanation[] {
  const total = list.reduce((s, e) => s + Math.max(0, e.weight), 0);
  return list.map((e) => ({ ...e, weight: total > 0 ? Math.max(0, e.weight) / total : 0 }));
}

function sum(values: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += values[i];
  return s;
}
