/**
 * A member's score as a tail surprise: −ln of the share of training rows that
 * scored at least as high (0 at the bottom, ln 2 at the median, ln 100 at the
 * 99th percentile), read off quantiles of the member's own training scores.
 * Past the 99th percentile it goes on linearly, at the rate the surprise grew
 * over the last decile, so a score far beyond anything in training still
 * outranks one just past it. Two members then speak the same unit — how
 * unusual, not how far in their own units — and a member whose scores all
 * crowd together cannot outvote one that spreads them.
 */
const STEPS = 32;
/** The probabilities the knots stand for: every 1/32 up to 31/32, then 97.5% and 99%. */
export const TAIL_PROBABILITIES: readonly number[] = [...Array.from({ length: STEPS }, (_, i) => i / STEPS), 0.975, 0.99];
const TOP = TAIL_PROBABILITIES.length - 1;
/** Quantiles the outer slope is measured from, by preference (indices into TAIL_PROBABILITIES). */
const SLOPE_FROM = [Math.round(0.9 * STEPS), STEPS / 2, 0];

export interface TailScale {
  /** The member's training scores at TAIL_PROBABILITIES. */
  knots: number[];
  /** Surprise per score unit past the last knot. */
  slope: number;
}

export function fitTailScale(scores: Float64Array): TailScale {
  const sorted = Float64Array.from(scores).sort();
  const n = sorted.length;
  const at = (p: number) => {
    const x = p * (n - 1);
    const lo = Math.floor(x);
    const hi = Math.min(n - 1, lo + 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (x - lo);
  };
  const knots = TAIL_PROBABILITIES.map(at);
  const top = knots[TOP];
  let slope = 0;
  for (const i of SLOPE_FROM) {
    if (knots[i] < top) {
      slope = (surpriseAt(TAIL_PROBABILITIES[TOP]) - surpriseAt(TAIL_PROBABILITIES[i])) / (top - knots[i]);
      break;
    }
  }
  // Scores that are all one value up to the 99th percentile: the training maximum counts one unit more.
  if (slope === 0) slope = sorted[n - 1] > top ? 1 / (sorted[n - 1] - top) : 1;
  return { knots, slope };
}

function surpriseAt(p: number): number {
  return -Math.log(1 - p);
}

export function tailSurprise(scale: TailScale, x: number): number {
  const { knots } = scale;
  const top = knots[TOP];
  if (x > top) return surpriseAt(TAIL_PROBABILITIES[TOP]) + (x - top) * scale.slope;
  if (x < knots[0]) return 0;
  // The knots at x (a run of equal scores) stand for the middle of the share they hold.
  let lo = 0;
  while (knots[lo] < x) lo++;
  let hi = lo;
  while (hi < TOP && knots[hi + 1] === x) hi++;
  if (knots[lo] === x) return surpriseAt((TAIL_PROBABILITIES[lo] + TAIL_PROBABILITIES[hi]) / 2);
  const t = (x - knots[lo - 1]) / (knots[lo] - knots[lo - 1]);
  return surpriseAt(TAIL_PROBABILITIES[lo - 1] + t * (TAIL_PROBABILITIES[lo] - TAIL_PROBABILITIES[lo - 1]));
}
