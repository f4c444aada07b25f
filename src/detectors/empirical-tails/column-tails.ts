/**
 * One column's training distribution, kept as the values at a fixed set of
 * ranks ("knots"): every rank near both ends, geometrically spaced ranks
 * towards the middle. Tail counts are then exact where they matter (the few
 * most extreme rows) and within a few percent elsewhere, in a size that does
 * not grow with the training set.
 */

/** Ranks (0-based, ascending, distinct) at which every column keeps its value. */
export function knotRanks(rows: number, knots: number): Int32Array {
  if (rows <= knots) return Int32Array.from({ length: rows }, (_, i) => i);
  const perSide = Math.floor(knots / 2);
  const exact = Math.max(1, Math.floor(perSide / 2));
  const steps = Math.max(1, perSide - exact);
  const growth = Math.pow(Math.max(rows / 2 / exact, 1), 1 / steps);
  // c = how many rows lie at or beyond the knot, counted from one end.
  const counts = new Set<number>();
  for (let c = 1; c <= exact; c++) counts.add(c);
  for (let c = exact; c < rows / 2; ) {
    c = Math.max(c + 1, Math.ceil(c * growth));
    counts.add(Math.min(c, Math.ceil(rows / 2)));
  }
  const ranks = new Set<number>();
  for (const c of counts) {
    ranks.add(c - 1);
    ranks.add(rows - c);
  }
  return Int32Array.from([...ranks].filter((r) => r >= 0 && r < rows).sort((a, b) => a - b));
}

/** Mean excess over the 90% quantile (below the 10% one): how fast the tail thins out, in column units. */
export function tailScales(sorted: Float64Array, floor: number): [up: number, down: number] {
  const n = sorted.length;
  const top = Math.max(1, Math.floor(n / 10));
  const q90 = sorted[n - top - 1] ?? sorted[0];
  const q10 = sorted[top] ?? sorted[n - 1];
  let up = 0;
  let down = 0;
  for (let i = 0; i < top; i++) {
    up += sorted[n - 1 - i] - q90;
    down += q10 - sorted[i];
  }
  return [Math.max(up / top, floor), Math.max(down / top, floor)];
}

/**
 * Values closer than this (relative, at least absolute) are the same value.
 * Scored rows are encoded with the feature spec as stored, whose scaling
 * constants went through JSON and a database and may differ from those the
 * detector was fitted with in the last bits: without a tolerance, a training
 * row at a column's maximum would come back a hair above it and count as
 * never seen.
 */
const TOLERANCE = 1e-9;

export function tolerance(x: number): number {
  const size = x < 0 ? -x : x;
  return TOLERANCE * (size > 1 ? size : 1);
}

/** Index of the first knot in [lo, hi) at or above x, by binary search over one column's knots (hi when none). */
function firstAtOrAbove(values: Float64Array, from: number, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[from + mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rows below knot j's value, interpolated between knot j - 1 and knot j where they skip ranks. */
function rowsBefore(values: Float64Array, from: number, ranks: Int32Array, rows: number, j: number, x: number): number {
  if (j === 0) return 0;
  if (j === ranks.length) return rows;
  const lowRank = ranks[j - 1];
  const gap = ranks[j] - lowRank - 1;
  if (gap === 0) return lowRank + 1;
  const lowValue = values[from + j - 1];
  const span = values[from + j] - lowValue;
  let t = span > 0 ? (x - lowValue) / span : 1;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  return lowRank + 1 + gap * t;
}

/**
 * Equal-width buckets per column over its range, each pointing at its first
 * knot: a lookup narrows every search to a few knots. Four per knot, as knots
 * crowd where the values do (a skewed column packs most of them into a few
 * buckets of its range); at most 1024, 4 KB per column.
 */
const BUCKETS_PER_KNOT = 4;
/** Products of row counts are taken to their log before they leave this range. */
const PRODUCT_LIMIT = 1e250;
const MAX_BUCKETS = 1024;

/**
 * The knots of every column (`values`, column after column, at the shared
 * `ranks`) with two lookup tables derived from them, never stored: per column,
 * the first knot of each equal-width bucket of its range, and for each knot
 * where its run of equal values ends. Counting the rows beyond a value is
 * then a bucket lookup, a short search within the bucket, and a step over a
 * run of equal knots (a one-hot column is two such runs).
 */
export class ColumnKnots {
  readonly knots: number;
  private readonly bucketCount: number;
  private readonly buckets: Int32Array;
  private readonly runEnd: Int32Array;
  private readonly bucketScale: Float64Array;
  /** countAt's number in and out for rowsAsExtreme, and its count out for sumLogRowsAsExtreme. */
  private readonly cell = new Float64Array(2);

  constructor(
    readonly values: Float64Array,
    readonly ranks: Int32Array,
    readonly cols: number,
    readonly rows: number,
  ) {
    const k = ranks.length;
    this.knots = k;
    const bucketCount = Math.min(BUCKETS_PER_KNOT * k, MAX_BUCKETS);
    this.bucketCount = bucketCount;
    this.buckets = new Int32Array(cols * (bucketCount + 1));
    this.runEnd = new Int32Array(cols * k);
    this.bucketScale = new Float64Array(cols);
    for (let c = 0; c < cols; c++) {
      const from = c * k;
      const min = values[from];
      const width = (values[from + k - 1] - min) / bucketCount;
      this.bucketScale[c] = width > 0 ? 1 / width : 0;
      const at = c * (bucketCount + 1);
      for (let b = 0; b < bucketCount; b++) this.buckets[at + b] = firstAtOrAbove(values, from, 0, k, min + b * width);
      this.buckets[at + bucketCount] = k;
      for (let i = k - 1; i >= 0; i--) {
        this.runEnd[from + i] = i + 1 < k && values[from + i + 1] === values[from + i] ? this.runEnd[from + i + 1] : i + 1;
      }
    }
  }

  min(c: number): number {
    return this.values[c * this.knots];
  }

  max(c: number): number {
    return this.values[c * this.knots + this.knots - 1];
  }

  /**
   * The fewer of the training rows at or above x and at or below x, for an x
   * within the column's range (so at least one row each way): how many rows
   * were as extreme as x on its more extreme side. Values within the
   * tolerance of each other count as equal.
   */
  rowsAsExtreme(c: number, x: number): number {
    this.cell[0] = x;
    this.countAt(c, this.cell, 0, this.cell, 1);
    return this.cell[1];
  }

  /**
   * Σ ln(rowsAsExtreme + ½) over the columns c of the row at data[from ..]
   * where skip[c] is NaN (the values inside their column's range). The
   * counts are multiplied and their log taken once per row, or whenever the
   * product grows large (a count is at least ½): one log per row instead of
   * one per column.
   */
  sumLogRowsAsExtreme(data: Float64Array, from: number, skip: Float64Array): number {
    const cell = this.cell;
    let sum = 0;
    let product = 1;
    for (let c = 0; c < this.cols; c++) {
      if (skip[c] === skip[c]) continue;
      this.countAt(c, data, from + c, cell, 0);
      product *= cell[0] + 0.5;
      if (product > PRODUCT_LIMIT) {
        sum += Math.log(product);
        product = 1;
      }
    }
    return sum + Math.log(product);
  }

  /**
   * rowsAsExtreme of data[at] in column c, written to out[o]. The numbers
   * go in and out through arrays, never as arguments or a return value: V8
   * allocates a fractional number that crosses a call it did not inline, and
   * this runs for every scored cell (that was ~100 MB per million packets).
   */
  private countAt(c: number, data: Float64Array, at: number, out: Float64Array, o: number): void {
    const values = this.values;
    const from = c * this.knots;
    const x = data[at];
    const slack = tolerance(x);
    const low = x - slack;
    const bucketCount = this.bucketCount;
    let bucket = Math.floor((low - values[from]) * this.bucketScale[c]);
    if (bucket < 0) bucket = 0;
    else if (bucket >= bucketCount) bucket = bucketCount - 1;
    const b = c * (bucketCount + 1) + bucket;
    // The first knot at or above low within the bucket (binary search, as firstAtOrAbove).
    let first = this.buckets[b];
    for (let hi = this.buckets[b + 1]; first < hi; ) {
      const mid = (first + hi) >> 1;
      if (values[from + mid] < low) first = mid + 1;
      else hi = mid;
    }
    // Strictly between two knots, none within the tolerance (a continuous column, most of the time): one interpolation gives both sides.
    if (first > 0 && first < this.knots) {
      const upper = values[from + first];
      const lower = values[from + first - 1];
      if (lower < low && upper > x + slack) {
        const lowRank = this.ranks[first - 1];
        const before = lowRank + 1 + (this.ranks[first] - lowRank - 1) * ((x - lower) / (upper - lower));
        out[o] = before < this.rows - before ? before : this.rows - before;
        return;
      }
    }
    out[o] = this.rowsAsExtremeNearKnots(c, x, slack, first);
  }

  /** rowsAsExtreme for x within the tolerance of a knot, or `first` one bucket off (rounding near a bucket edge). */
  private rowsAsExtremeNearKnots(c: number, x: number, slack: number, first: number): number {
    const { values, ranks, rows } = this;
    const k = this.knots;
    const from = c * k;
    const low = x - slack;
    const high = x + slack;
    // Settle on the first knot at or above low.
    while (first > 0 && values[from + first - 1] >= low) first--;
    while (first < k && values[from + first] < low) first++;
    let past = first;
    while (past < k && values[from + past] <= high) past = this.runEnd[from + past];
    // A value within the tolerance of a knot is that knot's value: the counts are then the knot's own.
    const above = first < k && values[from + first] <= high ? values[from + first] : low;
    const below = past > 0 && values[from + past - 1] >= low ? values[from + past - 1] : high;
    const atOrAbove = rows - rowsBefore(values, from, ranks, rows, first, above);
    const atOrBelow = rowsBefore(values, from, ranks, rows, past, below);
    return atOrAbove < atOrBelow ? atOrAbove : atOrBelow;
  }
}
