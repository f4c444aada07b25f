import { quantile } from '../util/quantile';

/**
 * Thresholds are not a detector's business (PyOD's `threshold_`): they are
 * computed once from the training scores and the profile's contamination, and
 * saved with the model together with the quantiles used to normalise scores.
 */
export interface ScoreCalibration {
  threshold: number;
  quantiles: { q50: number; q90: number; q99: number; q999: number; max: number };
}

/**
 * Threshold at the (1 - contamination) quantile of the training scores,
 * raised where needed so that at most a `contamination` share of them (and
 * at least one) reaches it: an interpolated quantile of n scores flags one
 * row too many whenever contamination × n is not a whole number (6 of 556 at
 * 1%), and on small training sets that extra row is a tenth of the alerts.
 */
export function calibrate(trainingScores: Float64Array, contamination: number): ScoreCalibration {
  const sorted = Float64Array.from(trainingScores).sort();
  const q = (p: number) => quantile(sorted, p);
  return {
    threshold: thresholdFor(sorted, contamination),
    quantiles: { q50: q(0.5), q90: q(0.9), q99: q(0.99), q999: q(0.999), max: sorted[sorted.length - 1] ?? 0 },
  };
}

function thresholdFor(sorted: Float64Array, contamination: number): number {
  const n = sorted.length;
  const threshold = quantile(sorted, 1 - contamination);
  const allowed = Math.max(1, Math.floor(contamination * n));
  // First index at or above the threshold (binary search over the sorted scores).
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < threshold) lo = mid + 1;
    else hi = mid;
  }
  return n - lo > allowed ? sorted[n - allowed] : threshold;
}

// Steepness of the logistic: a score twice as far above the median as the
// threshold maps to ~0.88, so the 0..1 scale spreads where people look.
const STEEPNESS = 2;

/**
 * Maps a detector's raw score to 0..1 with 0.5 exactly at the threshold, so
 * scores of different detectors compare and `score >= 0.5` means anomalous.
 */
export function normalizeScore(raw: number, threshold: number, median: number): number {
  const span = threshold - median;
  if (!(span > 0)) return raw >= threshold ? 1 : 0;
  const z = (raw - median) / span;
  return 1 / (1 + Math.exp(-STEEPNESS * (z - 1)));
}
