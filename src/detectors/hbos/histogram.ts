/**
 * One column's histogram, stored as surprise: -ln(height / tallest height).
 * The commonest value or bin scores 0; the scale is the same for every column,
 * so per-column surprises add up to a score and read as an attribution.
 */
export type ColumnHistogram =
  | {
      /** Few distinct values (one-hot and flag columns, small counts): one entry per value. */
      type: 'values';
      values: number[];
      surprise: number[];
      /** Surprise of a value training never had, before its distance term. */
      unseen: number;
    }
  | {
      type: 'bins';
      lo: number;
      width: number;
      surprise: number[];
      unseen: number;
    };

/** More distinct values than this and a column gets equal-width bins. */
export const MAX_DISTINCT_VALUES = 16;
/** A value within this many bin widths outside the training range still counts in the edge bin. */
const EDGE_TOLERANCE = 0.5;

/** `sorted` holds one column's training values in ascending order. */
export function buildHistogram(sorted: Float64Array, bins: number, alpha: number): ColumnHistogram {
  const distinct = distinctCounts(sorted);
  if (distinct.values.length <= MAX_DISTINCT_VALUES) {
    const tallest = Math.max(...distinct.counts);
    return {
      type: 'values',
      values: distinct.values,
      surprise: distinct.counts.map((c) => Math.log(tallest / c)),
      unseen: Math.log(tallest / alpha),
    };
  }
  const lo = sorted[0];
  const width = (sorted[sorted.length - 1] - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  const tallest = Math.max(...counts);
  const unseen = Math.log(tallest / alpha);
  return { type: 'bins', lo, width, surprise: counts.map((c) => (c > 0 ? Math.log(tallest / c) : unseen)), unseen };
}

function distinctCounts(sorted: Float64Array): { values: number[]; counts: number[] } {
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]++;
    else {
      if (values.length > MAX_DISTINCT_VALUES) break;
      values.push(sorted[i]);
      counts.push(1);
    }
  }
  return { values, counts };
}

/**
 * Surprise of value v. Outside what training saw, the surprise keeps growing
 * slowly with the distance, so a value far out still ranks above one just out.
 */
export function surpriseOf(h: ColumnHistogram, v: number): number {
  if (h.type === 'values') {
    const i = nearestIndex(h.values, v);
    const gap = Math.abs(h.values[i] - v);
    return gap === 0 ? h.surprise[i] : h.unseen + Math.log1p(gap);
  }
  const position = (v - h.lo) / h.width;
  const last = h.surprise.length;
  if (position >= 0 && position < last) return h.surprise[Math.floor(position)];
  const beyond = position < 0 ? -position : position - last;
  if (beyond <= EDGE_TOLERANCE) return h.surprise[position < 0 ? 0 : last - 1];
  return h.unseen + Math.log1p(beyond);
}

/** Index of the value closest to v in an ascending array (binary search). */
function nearestIndex(values: readonly number[], v: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && v - values[lo - 1] < values[lo] - v ? lo - 1 : lo;
}
