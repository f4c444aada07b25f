import type { DetectorRegistry } from '../detectors/registry';
import type { Detector, Json, SerializedDetector } from '../detectors/detector.types';
import type { Matrix } from '../detectors/matrix';
import { calibrate, type ScoreCalibration } from '../detection/score-calibration';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { FeatureEncoder } from '../features';
import { FeatureSpecBuilder } from '../features';
import type { FeatureSpec } from '../features';
import { averagePrecision, rocAuc } from '../metrics/roc';
import { RecordColumns } from '../records/record-columns';
import type { RecordKind, TrafficRecord } from '../records/traffic-record';
import { createRng } from '../util/random';
import { attackLabel } from './labels';
import { RowReservoir } from './reservoir';

export interface DetectorConfig {
  name: string;
  params?: Record<string, unknown>;
}

/**
 * Yields the training records in chunks, as records or column batches (stored
 * traffic comes as column batches: no object per record); called once per
 * pass, so it must be re-iterable.
 */
export type RecordSource = () => AsyncIterable<readonly TrafficRecord[] | RecordColumns>;

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
 * and, where labels exist, measure ROC-AUC / AP. Memory is bounded by the sample
 * and one chunk: records are handled column by column, the sample is dropped
 * once encoded and its matrix once the detectors are fitted.
 */
export async function train(source: RecordSource, opts: TrainOptions): Promise<TrainedModel[]> {
  const detectors = opts.detectors.map((d) => ({ config: d, detector: opts.registry.create(d.name, d.params ?? {}) }));
  const progress = progressReporter(opts);

  const first = await firstPass(source, opts, progress);
  const encoder = new FeatureEncoder(first.spec);
  const fitMs = await fitDetectors(detectors, encoder.transformColumns(first.takeSample()), opts, progress);

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
        fitRows: first.fitRows,
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

async function fitDetectors(detectors: { config: DetectorConfig; detector: Detector }[], X: Matrix, opts: TrainOptions, progress: Progress): Promise<number[]> {
  const fitMs: number[] = [];
  for (const [i, d] of detectors.entries()) {
    checkAborted(opts.signal);
    const t0 = performance.now();
    d.detector.fit(X, { seed: opts.seed });
    fitMs.push(performance.now() - t0);
    await progress(0.3 + (0.3 * (i + 1)) / detectors.length, `fitted ${d.config.name}`);
  }
  return fitMs;
}

function columnsOf(chunk: readonly TrafficRecord[] | RecordColumns): RecordColumns {
  return chunk instanceof RecordColumns ? chunk : RecordColumns.fromRecords(chunk);
}

async function firstPass(source: RecordSource, opts: TrainOptions, progress: Progress) {
  const builder = new FeatureSpecBuilder(opts.kind, { seed: opts.seed });
  let reservoir: RowReservoir | undefined = new RowReservoir(opts.fitSampleSize ?? DEFAULT_FIT_SAMPLE, createRng(opts.seed));
  let minT = Infinity;
  let maxT = -Infinity;
  for await (const chunk of source()) {
    checkAborted(opts.signal);
    const batch = columnsOf(chunk);
    builder.addColumns(batch);
    reservoir.add(batch);
    const times = batch.find('timestamp', false)?.numbers;
    for (let i = 0; times && i < batch.rows; i++) {
      const t = times[i];
      if (t < minT) minT = t;
      if (t > maxT) maxT = t;
    }
    if (opts.expectedRows) await progress((0.3 * reservoir.count) / opts.expectedRows, `read ${reservoir.count} records`);
  }
  const rows = reservoir.count;
  if (rows === 0) {
    throw new AppError(ErrorCode.INVALID_TRAINING_DATA, 'No training records: store traffic for the profile or import a dataset first.');
  }
  const fitRows = reservoir.sample.rows;
  return {
    spec: builder.build(),
    rows,
    fitRows,
    spanMs: maxT > minT ? maxT - minT : 0,
    /** The fit sample, handed over once: the trainer keeps no reference to it after encoding it. */
    takeSample(): RecordColumns {
      const sample = reservoir!.sample;
      reservoir = undefined;
      return sample;
    },
  };
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
    const all = columnsOf(chunk);
    const n = Math.min(all.rows, rows - offset);
    if (n <= 0) break;
    const batch = n === all.rows ? all : all.slice(0, n);
    const X = encoder.transformColumns(batch);
    detectors.forEach((d, i) => scores[i].set(d.score(X), offset));
    labeled += writeLabels(batch, labels, offset);
    offset += n;
    await progress(0.6 + (0.35 * offset) / rows, `scored ${offset} of ${rows} records`);
  }
  // A source that shrank between passes must not leave zero scores behind.
  return { scores: scores.map((s) => s.subarray(0, offset)), labels: labels.subarray(0, offset), labeled };
}

/** Ground truth of the batch's rows as 1 / 0 from `offset` on (unlabelled rows stay -1); returns how many had one. */
function writeLabels(batch: RecordColumns, out: Int8Array, offset: number): number {
  const column = batch.find('label', false);
  if (column?.codes == null) return 0;
  // Labels repeat: each distinct one is read once.
  const byCode = Int8Array.from({ length: column.dict.length + 1 }, (_, k) => (k === 0 ? -1 : (attackLabel(column.dict[k - 1]) ?? -1)));
  let labeled = 0;
  for (let i = 0; i < batch.rows; i++) {
    const y = byCode[column.codes[i]];
    if (y >= 0) {
      out[offset + i] = y;
      labeled++;
    }
  }
  return labeled;
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
