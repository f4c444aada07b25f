import { averagePrecision, precisionAtK, rocAuc } from '../metrics/roc';

export interface QualityMetrics {
  rocAuc: number;
  averagePrecision: number;
  /** Precision among the k highest scores, k = number of attacks. */
  precisionAtK: number;
  /** At the profile's threshold. */
  recall: number;
  falsePositiveRate: number;
}

/** `flagged[i]` is the verdict at the threshold; scores rank. */
export function measure(scores: Float64Array, labels: Uint8Array, flagged: Uint8Array): QualityMetrics {
  const attacks = labels.reduce((n, y) => n + y, 0);
  let truePositives = 0;
  let falsePositives = 0;
  for (let i = 0; i < labels.length; i++) {
    if (flagged[i] === 1 && labels[i] === 1) truePositives++;
    if (flagged[i] === 1 && labels[i] === 0) falsePositives++;
  }
  const y = Array.from(labels, (v) => v === 1);
  return {
    rocAuc: rocAuc(scores, y),
    averagePrecision: averagePrecision(scores, y),
    precisionAtK: attacks > 0 ? precisionAtK(scores, y, attacks) : NaN,
    recall: attacks > 0 ? truePositives / attacks : NaN,
    falsePositiveRate: falsePositives / Math.max(1, labels.length - attacks),
  };
}

export interface RocPoint {
  fpr: number;
  tpr: number;
}

/** The ROC curve's corners, thinned to at most `maxPoints` (enough for a plot). */
export function rocCurve(scores: Float64Array, labels: Uint8Array, maxPoints = 400): RocPoint[] {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  const positives = labels.reduce((n, y) => n + y, 0);
  const negatives = labels.length - positives;
  const points: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    if (labels[order[i]] === 1) tp++;
    else fp++;
    // One point per distinct score: tied rows enter together.
    if (i + 1 < order.length && scores[order[i + 1]] === scores[order[i]]) continue;
    points.push({ fpr: fp / Math.max(1, negatives), tpr: tp / Math.max(1, positives) });
  }
  if (points.length <= maxPoints) return points;
  const step = (points.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, i) => points[Math.round(i * step)]);
}
