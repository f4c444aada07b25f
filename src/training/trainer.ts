import type { DetectorRegistry } from '../detectors/registry';
import type { Detector, Json, SerializedDetector } from '../detectors/detector.types';
import { calibrate, type ScoreCalibration } from '../detection/score-calibration';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { FeatureEncoder } from '../features';
import { FeatureSpecBuilder } from '../features';
import type { FeatureSpec } from '../features';
import { averagePrecision, rocAuc } from '../metrics/roc';
import type { RecordKind, TrafficRecord } from '../records/traffic-record';
import { createRng } from '../util/random';
import { attackLabel } from './labels';
import { Reservoir } from './reservoir';

export interface DetectorConfig {
  name: string;
  params?: Record<string, unknown>;
}

/** Yields the training records in chunks; called once per pass, so it must be re-iterable. */
export type RecordSource = () => AsyncIterable<readonly TrafficRecord[]>;

export interface TrainOptions {
  kind: RecordKind;
  detectors: readonly DetectorConfig[];
  contamination: number;
  /** Alert budget; when set, contamination is derived from the data's time span. */
  alertsPerDay?: number;
  seed: number;
  registry: DetectorRegistry;
  /** Rows the detectors are fitted on (a uniform sample of the source). */
  fitSampleSize?: number;
  /** Number of rows the source will yield, when known, for progress. */
  expectedRows?: number;
  onProgress?: (fraction: number, message: string) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface TrainedModel {
  detector: string;
  params: Json;
  state: SerializedDetector;
  threshold: number;
  featureSpec: FeatureSpec;
  metrics: TrainingMetrics;
}

export interface TrainingMetrics {
  rows: number;
  fitRows: number;
  features: number;
  contamination: number;
  fitMs: number;
  scoreMs: number;
  scoreQuantiles: ScoreCalibration['quantiles'];
  labeledRows: number;
  rocAuc?: number;
  averagePrecision?: number;
  [key: string]: Json | undefined;
}

const DEFAULT_FIT_SAMPLE = 65_536;
const MAX_CONTAMINATION = 0.5;

/**
 * Two passes over the source: (1) fit the feature spec and keep a uniform sample,
 * fit every detector on it; (2) score every training row to calibrate thresholds
 * and, where labels exist, measure ROC-AUC / AP. Memory is bounded by the sample.
 */
export async function train(source: RecordSource, opts: TrainOptions): Promise<TrainedModel[]> {
  const detectors = opts.detectors.map((d) => ({ config: d, detector: opts.registry.create(d.name, d.params ?? {}) }));
  const progress = progressReporter(opts);

  const first = await firstPass(source, opts, progress);
  const encoder = new FeatureEncoder(first.spec);
  const X = encoder.transform(first.sample);
  const fitMs: number[] = [];
  for (const [i, d] of detectors.entries()) {
    checkAborted(opts.signal);
    const t0 = performance.now();
    d.detector.fit(X, { seed: opts.seed });
    fitMs.push(performance.now() - t0);
    await progress(0.3 + (0.3 * (i + 1)) / detectors.length, `fitted ${d.config.name}`);
  }

  const t1 = performance.now();
  const scored = await scoreAll(source, encoder, detectors.map((d) => d.detector), first.rows, opts, progress);
  const scoreMs = performance.now() - t1;
  const contamination = effectiveContamination(opts, first.rows, first.spanMs);

  return detectors.map((d, i) => {
    const cal = calibrate(scored.scores[i], contamination);
    const state = d.detector.serialize();
    return {
      detector: d.config.name,
      params: state.params,
      state,
      threshold: cal.threshold,
      featureSpec: first.spec,
      metrics: {
        rows: first.rows,
        fitRows: first.sample.length,
        features: encoder.names.length,
        contamination,
        fitMs: Math.round(fitMs[i]),
        scoreMs: Math.round(scoreMs),
        scoreQuantiles: cal.quantiles,
        labeledRows: scored.labeled,
        ...labelMetrics(scored.scores[i], scored.labels),
      },
    };
  });
}

async function firstPass(source: RecordSource, opts: TrainOptions, progress: Progress) {
  const builder = new FeatureSpecBuilder(opts.kind, { seed: opts.seed });
  const reservoir = new Reservoir<TrafficRecord>(opts.fitSampleSize ?? DEFAULT_FIT_SAMPLE, createRng(opts.seed));
  let minT = Infinity;
  let maxT = -Infinity;
  for await (const chunk of source()) {
    checkAborted(opts.signal);
    builder.add(chunk);
    for (const r of chunk) {
      reservoir.add(r);
      if (r.timestamp !== undefined) {
        if (r.timestamp < minT) minT = r.timestamp;
        if (r.timestamp > maxT) maxT = r.timestamp;
      }
    }
    if (opts.expectedRows) await progress((0.3 * reservoir.count) / opts.expectedRows, `read ${reservoir.count} records`);
  }
  if (reservoir.count === 0) {
    throw new AppError(ErrorCode.INVALID_TRAINING_DATA, 'No training records: store traffic for the profile or import a dataset first.');
  }
  return { spec: builder.build(), sample: reservoir.items, rows: reservoir.count, spanMs: maxT > minT ? maxT - minT : 0 };
}

async function scoreAll(
  source: RecordSource,
  encoder: FeatureEncoder,
  detectors: Detector[],
  rows: number,
  opts: TrainOptions,
  progress: Progress,
) {
  const scores = detectors.map(() => new Float64Array(rows));
  const labels = new Int8Array(rows).fill(-1);
  let offset = 0;
  let labeled = 0;
  for await (const chunk of source()) {
    checkAborted(opts.signal);
    const n = Math.min(chunk.length, rows - offset);
    if (n <= 0) break;
    const part = n === chunk.length ? chunk : chunk.slice(0, n);
    const X = encoder.transform(part);
    detectors.forEach((d, i) => scores[i].set(d.score(X), offset));
    for (let j = 0; j < n; j++) {
      const y = attackLabel(part[j].label);
      if (y !== undefined) {
        labels[offset + j] = y;
        labeled++;
      }
    }
    offset += n;
    await progress(0.6 + (0.35 * offset) / rows, `scored ${offset} of ${rows} records`);
  }
  // A source that shrank between passes must not leave zero scores behind.
  return { scores: scores.map((s) => s.subarray(0, offset)), labels: labels.subarray(0, offset), labeled };
}

function labelMetrics(scores: Float64Array, labels: Int8Array): { rocAuc?: number; averagePrecision?: number } {
  const s: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= 0) {
      s.push(scores[i]);
      y.push(labels[i]);
    }
  }
  const positives = y.reduce((a, b) => a + b, 0);
  if (positives === 0 || positives === y.length) return {};
  const ys = y.map((v) => v === 1);
  return { rocAuc: rocAuc(s, ys), averagePrecision: averagePrecision(s, ys) };
}

const DAY_MS = 86_400_000;

/** An alert budget becomes the fraction of training rows that may alert; contamination otherwise. */
export function effectiveContamination(opts: Pick<TrainOptions, 'contamination' | 'alertsPerDay'>, rows: number, spanMs: number): number {
  if (opts.alertsPerDay === undefined || spanMs <= 0) return opts.contamination;
  const rowsPerDay = rows / (spanMs / DAY_MS);
  return Math.min(MAX_CONTAMINATION, Math.max(1 / Math.max(rows, 1), opts.alertsPerDay / rowsPerDay));
}

type Progress = (fraction: number, message: string) => Promise<void>;

function progressReporter(opts: TrainOptions): Progress {
  return async (fraction, message) => {
    if (opts.onProgress) await opts.onProgress(Math.min(1, Math.max(0, fraction)), message);
  };
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Training cancelled');
}
