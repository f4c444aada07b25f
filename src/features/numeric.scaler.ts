import type { TrafficRecord } from '../records/traffic-record';
import type { NumericFeatureSpec, NumericSource, NumericStats } from './feature-spec.types';
import { hashString } from './hash';
import { quantile } from '../util/quantile';
import { meanAndStd, Reservoir } from './reservoir';
import { numberReader, sourceKey, type NumberReader } from './value-source';

/** IQR of a standard normal: dividing by it makes the robust z comparable to an ordinary z-score. */
const NORMAL_IQR = 1.349;
/**
 * q99 / q75 (on x+1) at or above this marks a long right tail. The upper
 * quartile, not the median, is the reference: packet sizes are bimodal
 * (ACKs and full segments) and their median jumps between the modes from one
 * sample to the next, while q75..q99 is what a tail really stretches.
 */
const LOG_TAIL_RATIO = 3;
const LOG_SKEW = 2;

export function signedLog1p(v: number): number {
  return v < 0 ? -Math.log1p(-v) : Math.log1p(v);
}

/**
 * log1p only pays off for non-negative data with a long right tail (byte
 * counts, durations): it stops a few jumbo values from squashing everything
 * else into one split. Bounded rates (0–1), binaries and bounded sizes stay linear.
 */
export function shouldLogScale(sorted: Float64Array): boolean {
  const n = sorted.length;
  if (n < 3 || sorted[0] < 0 || sorted[0] === sorted[n - 1]) return false;
  const q75 = quantile(sorted, 0.75);
  const q99 = quantile(sorted, 0.99);
  if ((q99 + 1) / (q75 + 1) >= LOG_TAIL_RATIO) return true;
  return sorted[n - 1] > 1 && skewness(sorted) >= LOG_SKEW;
}

function skewness(values: Float64Array): number {
  const { mean, std } = meanAndStd(values);
  if (std === 0) return 0;
  let m3 = 0;
  for (let i = 0; i < values.length; i++) m3 += ((values[i] - mean) / std) ** 3;
  return m3 / values.length;
}

/** IQR first; a mostly-constant column (IQR 0) falls back to its std, a constant one to 1. */
export function robustScale(sortedTransformed: Float64Array): number {
  const iqr = quantile(sortedTransformed, 0.75) - quantile(sortedTransformed, 0.25);
  if (iqr > 0) return iqr / NORMAL_IQR;
  const { std } = meanAndStd(sortedTransformed);
  return std > 0 ? std : 1;
}

export class NumericAccumulator {
  private readonly reservoir: Reservoir;
  private readonly read: NumberReader;
  count = 0;
  private min = Infinity;
  private max = -Infinity;

  constructor(
    readonly source: NumericSource,
    reservoirSize: number,
    seed: number,
  ) {
    this.read = numberReader(source);
    this.reservoir = new Reservoir(reservoirSize, (seed ^ hashString(sourceKey(source))) >>> 0);
  }

  add(r: TrafficRecord): void {
    this.addValue(this.read(r));
  }

  /** NaN (missing) is ignored: missingness is totalRows − count. */
  addValue(v: number): void {
    if (v !== v) return;
    this.count++;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.reservoir.add(v);
  }

  build(totalRows: number): NumericFeatureSpec | null {
    if (this.count === 0) return null;
    const sorted = this.reservoir.sorted();
    const log = shouldLogScale(sorted);
    const transformed = log ? sorted.map(signedLog1p) : sorted;
    const missing = totalRows - this.count;
    return {
      type: 'numeric',
      key: sourceKey(this.source),
      source: this.source,
      count: this.count,
      missing,
      log,
      center: quantile(transformed, 0.5),
      scale: robustScale(transformed),
      missingIndicator: missing > 0,
      stats: this.stats(sorted),
    };
  }

  private stats(sorted: Float64Array): NumericStats {
    return {
      min: this.min,
      max: this.max,
      q01: quantile(sorted, 0.01),
      q25: quantile(sorted, 0.25),
      q50: quantile(sorted, 0.5),
      q75: quantile(sorted, 0.75),
      q99: quantile(sorted, 0.99),
    };
  }
}

/** The encoded (robust z) value of a raw number under a fitted spec; missing → 0 (median imputation). */
export function scaleNumeric(def: NumericFeatureSpec, v: number): number {
  if (v !== v) return 0;
  return ((def.log ? signedLog1p(v) : v) - def.center) / def.scale;
}


export function numericColumnNames(def: NumericFeatureSpec): string[] {
  return def.missingIndicator ? [def.key, `${def.key}:missing`] : [def.key];
}

/** put()'s number, handed to putFrom() in an array. */
const CELL = new Float64Array(1);

export class NumericWriter {
  private readonly read: NumberReader;
  private readonly log: boolean;
  private readonly center: number;
  private readonly invScale: number;
  private readonly missingAt: number;

  constructor(
    def: NumericFeatureSpec,
    private readonly at: number,
  ) {
    this.read = numberReader(def.source);
    this.log = def.log;
    this.center = def.center;
    this.invScale = 1 / def.scale;
    this.missingAt = def.missingIndicator ? at + 1 : -1;
  }

  /** `out` is zero-filled, so missing values (imputed to the median = 0) only touch the indicator. */
  write(r: TrafficRecord, out: Float64Array, base: number): void {
    this.put(this.read(r), out, base);
  }

  /** An attribute's value as a record holds it (anything: only finite numbers count), read elsewhere. */
  writeValue(v: unknown, out: Float64Array, base: number): void {
    this.put(typeof v === 'number' ? v : NaN, out, base);
  }

  /** Row i of a column batch's values goes to out[i * stride ..]; null = the batch lacks the column. */
  writeColumn(numbers: Float64Array | null, rows: number, out: Float64Array, stride: number): void {
    for (let i = 0; i < rows; i++) {
      if (numbers === null) this.put(NaN, out, i * stride);
      else this.putFrom(numbers, i, out, i * stride);
    }
  }

  private put(v: number, out: Float64Array, base: number): void {
    CELL[0] = v;
    this.putFrom(CELL, 0, out, base);
  }

  /**
   * values[at] (NaN or not finite: missing) into its cell. The number is passed as an
   * array and an index, never as a number: a fractional number that crosses
   * a call V8 does not inline is allocated, and this runs for every numeric
   * cell of every row.
   */
  putFrom(values: Float64Array, at: number, out: Float64Array, base: number): void {
    let v = values[at];
    if (v - v !== 0) {
      if (this.missingAt >= 0) out[base + this.missingAt] = 1;
      return;
    }
    if (this.log) v = v < 0 ? -Math.log1p(-v) : Math.log1p(v);
    out[base + this.at] = (v - this.center) * this.invScale;
  }
}
