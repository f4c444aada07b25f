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

/** Threshold at the (1 - contamination) quantile of the training scores. */
export function calibrate(trainingScores: Float64Array, contamination: number): ScoreCalibration {
  const sorted = Float64Array.from(trainingScores).sort();
  const q = (p: number) => quantile(sorted, p);
  return {
    threshold: q(1 - contamination),
    quantiles: { q50: q(0.5), q90: q(0.9), q99: q(0.99), q999: q(0.999), max: sorted[sorted.length - 1] ?? 0 },
  };
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
