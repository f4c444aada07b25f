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

/** Index of the first knot >= x (> x when `inclusive`), by binary search over one column's knots. */
function search(values: Float64Array, from: number, length: number, x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = values[from + mid];
    if (v < x || (inclusive && v === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * How many training rows lie below x (at or below x when `inclusive`), from
 * the knots of one column: exact where knots sit on consecutive ranks,
 * interpolated linearly between two knots that skip ranks.
 */
export function countBelow(values: Float64Array, from: number, ranks: Int32Array, rows: number, x: number, inclusive: boolean): number {
  const k = ranks.length;
  const j = search(values, from, k, x, inclusive);
  if (j === 0) return 0;
  if (j === k) return rows;
  const lowRank = ranks[j - 1];
  const gap = ranks[j] - lowRank - 1;
  if (gap === 0) return lowRank + 1;
  const lowValue = values[from + j - 1];
  const span = values[from + j] - lowValue;
  const t = span > 0 ? (x - lowValue) / span : 1;
  return lowRank + 1 + gap * t;
}
