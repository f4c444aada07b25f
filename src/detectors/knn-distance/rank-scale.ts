import type { Matrix } from '../matrix';

/**
 * Each column measured by its training quantile: a value maps to the share of
 * training rows below it (ties counted half), so a column of rates that is
 * zero for most rows, a byte count with a tail of a few huge values and a
 * flag all span about 0..1 and weigh alike in a distance. Inside the central
 * 99% the map follows the training distribution through KNOTS quantiles;
 * beyond them it goes on linearly with the slope of the last decile, so a
 * value far past anything seen still lies far out (a gap between the bulk of
 * the data and a cluster of outliers keeps its size, which plain ranks
 * would squeeze to nothing).
 */
export const KNOTS = 129;
/** The central share of training rows the knots span: 0.5% to 99.5%. */
const TAIL = 0.005;
/** Where the outer slope is measured from, by preference: the last decile, then the last quarter, and so on. */
const SLOPE_FROM = [0.1, 0.25, 0.5, 0.75, 1];

export interface RankScale {
  cols: number;
  /** cols × KNOTS values, column after column, non-decreasing within a column. */
  knots: Float64Array;
  /** Quantile units per column unit below the first knot and above the last. */
  slopeLow: Float64Array;
  slopeHigh: Float64Array;
}

/** The probability each knot stands for (the same for every column). */
const PROBABILITIES = Float64Array.from({ length: KNOTS }, (_, i) => TAIL + ((1 - 2 * TAIL) * i) / (KNOTS - 1));

function quantileOf(sorted: Float64Array, p: number): number {
  const at = p * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export function fitRankScale(X: Matrix): RankScale {
  const { rows, cols } = X;
  const knots = new Float64Array(cols * KNOTS);
  const slopeLow = new Float64Array(cols);
  const slopeHigh = new Float64Array(cols);
  const column = new Float64Array(rows);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) column[r] = X.data[r * cols + c];
    column.sort();
    const at = c * KNOTS;
    for (let i = 0; i < KNOTS; i++) knots[at + i] = quantileOf(column, PROBABILITIES[i]);
    const view = knots.subarray(at, at + KNOTS);
    slopeHigh[c] = outerSlope(view, column[rows - 1], 1);
    slopeLow[c] = outerSlope(view, column[0], -1);
  }
  return { cols, knots, slopeLow, slopeHigh };
}

/**
 * Quantile units per column unit past the last knot (side 1) or the first
 * (side -1): the rise over the outermost stretch that is not a single value.
 * A column that is one value across all its knots spreads what is left of the
 * quantile scale up to its training extreme instead; a constant column counts
 * one quantile unit per column unit.
 */
function outerSlope(knots: Float64Array, extreme: number, side: 1 | -1): number {
  const last = side === 1 ? KNOTS - 1 : 0;
  for (const share of SLOPE_FROM) {
    const steps = Math.round(share * (KNOTS - 1));
    const other = last - side * steps;
    const run = side * (knots[last] - knots[other]);
    if (run > 0) return (PROBABILITIES[steps] - PROBABILITIES[0]) / run;
  }
  const beyond = side * (extreme - knots[last]);
  return beyond > 0 ? TAIL / beyond : 1;
}

/** A row's value in column c on the quantile scale. */
export function rankOf(scale: RankScale, c: number, x: number): number {
  const { knots } = scale;
  const at = c * KNOTS;
  const first = knots[at];
  const last = knots[at + KNOTS - 1];
  if (x < first) return PROBABILITIES[0] - (first - x) * scale.slopeLow[c];
  if (x > last) return PROBABILITIES[KNOTS - 1] + (x - last) * scale.slopeHigh[c];
  // Knots lo..above-1 equal x (a point mass: mid-way through the share it holds) when lo < above.
  const lo = firstKnot(knots, at, x, false);
  const above = knots[at + lo] === x ? firstKnot(knots, at, x, true) : lo;
  if (above > lo) return (PROBABILITIES[lo] + PROBABILITIES[above - 1]) / 2;
  const below = knots[at + lo - 1];
  const t = (x - below) / (knots[at + lo] - below);
  return PROBABILITIES[lo - 1] + t * (PROBABILITIES[lo] - PROBABILITIES[lo - 1]);
}

/** Index of the first of a column's knots above x (`strictly`) or at or above it; KNOTS when none. */
function firstKnot(knots: Float64Array, at: number, x: number, strictly: boolean): number {
  let lo = 0;
  let hi = KNOTS;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = knots[at + mid];
    if (v < x || (strictly && v === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function applyRankScale(scale: RankScale, X: Matrix): Matrix {
  const { rows, cols } = X;
  const data = new Float64Array(rows * cols);
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    for (let c = 0; c < cols; c++) data[o + c] = rankOf(scale, c, X.data[o + c]);
  }
  return { rows, cols, data };
}
