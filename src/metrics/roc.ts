import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';

/**
 * Ranking metrics for anomaly scores (higher = more anomalous) against
 * binary labels (1 / true = anomaly). Each returns NaN when the metric is
 * undefined because one class is absent.
 */
export type BinaryLabels = ArrayLike<0 | 1 | boolean>;

/** A group of equal scores, from the highest score down. */
interface TieGroup {
  size: number;
  positives: number;
}

/** Area under the ROC curve: the chance that a random anomaly outscores a random normal row, ties counting half. */
export function rocAuc(scores: ArrayLike<number>, labels: BinaryLabels): number {
  const groups = tieGroups(scores, labels);
  const positives = sum(groups, (g) => g.positives);
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  // Pairs each anomaly wins: normal rows below its group, plus half the normal rows tied with it.
  let wins = 0;
  let negativesBelow = negatives;
  for (const g of groups) {
    const groupNegatives = g.size - g.positives;
    negativesBelow -= groupNegatives;
    wins += g.positives * (negativesBelow + groupNegatives / 2);
  }
  return wins / (positives * negatives);
}

/**
 * Average precision: precision at each distinct score threshold, weighted by
 * the recall it adds (as scikit-learn's average_precision_score computes it).
 */
export function averagePrecision(scores: ArrayLike<number>, labels: BinaryLabels): number {
  const groups = tieGroups(scores, labels);
  const positives = sum(groups, (g) => g.positives);
  if (positives === 0) return NaN;
  let ap = 0;
  let seen = 0;
  let hits = 0;
  for (const g of groups) {
    seen += g.size;
    hits += g.positives;
    ap += (g.positives / positives) * (hits / seen);
  }
  return ap;
}

/** Share of anomalies among the k highest scores; rows tied across the cut count by their expected share. */
export function precisionAtK(scores: ArrayLike<number>, labels: BinaryLabels, k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > scores.length) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `k must be an integer in 1..${scores.length}, got ${k}`, { k });
  }
  let hits = 0;
  let taken = 0;
  for (const g of tieGroups(scores, labels)) {
    const take = Math.min(g.size, k - taken);
    hits += (g.positives * take) / g.size;
    taken += take;
    if (taken === k) break;
  }
  return hits / k;
}

function tieGroups(scores: ArrayLike<number>, labels: BinaryLabels): TieGroup[] {
  if (scores.length !== labels.length) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `${scores.length} scores but ${labels.length} labels`);
  }
  // NaN has no rank: sorting with it would silently scramble the order.
  if (Array.prototype.some.call(scores, Number.isNaN)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'scores contain NaN');
  }
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const groups: TieGroup[] = [];
  let previous = NaN;
  for (const i of order) {
    if (scores[i] !== previous) groups.push({ size: 0, positives: 0 });
    const g = groups[groups.length - 1];
    g.size++;
    g.positives += labels[i] === 1 || labels[i] === true ? 1 : 0;
    previous = scores[i];
  }
  return groups;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
