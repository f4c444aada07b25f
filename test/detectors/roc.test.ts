import { ErrorCode } from '../../src/errors/error-codes';
import { averagePrecision, precisionAtK, rocAuc } from '../../src/metrics/roc';
import { expectAppError } from './expect-app-error';

// Hand-computed cases; scores are listed from most to least anomalous where that helps.
describe('rocAuc', () => {
  it('counts the anomaly/normal pairs ranked correctly', () => {
    // Anomalies 0.9 and 0.7 vs normals 0.8 and 0.6: 0.9 beats both, 0.7 beats one: 3 of 4 pairs.
    expect(rocAuc([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])).toBe(0.75);
    expect(rocAuc([3, 2, 1], [1, 1, 0])).toBe(1);
    expect(rocAuc([3, 2, 1], [0, 1, 1])).toBe(0);
  });

  it('counts a tied pair as half (average rank)', () => {
    // 1 beats both normals (2); 0.5 ties one normal (0.5) and beats the other (1): 3.5 of 4.
    expect(rocAuc([1, 0.5, 0.5, 0], [1, 1, 0, 0])).toBe(0.875);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5);
  });

  it('accepts boolean labels and any order', () => {
    expect(rocAuc(new Float64Array([0.6, 0.9, 0.7, 0.8]), [false, true, true, false])).toBe(0.75);
  });

  it('is NaN with one class only, and refuses mismatched lengths or NaN scores', () => {
    expect(rocAuc([1, 2], [0, 0])).toBeNaN();
    expectAppError(() => rocAuc([1, 2], [0]), ErrorCode.BAD_USER_INPUT);
    expectAppError(() => rocAuc([1, NaN], [0, 1]), ErrorCode.BAD_USER_INPUT);
  });
});

describe('averagePrecision', () => {
  it('averages the precision at each recall step', () => {
    // Recall 1/2 at precision 1, then recall 2/2 at precision 2/3.
    expect(averagePrecision([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])).toBeCloseTo(5 / 6, 12);
    expect(averagePrecision([3, 2, 1], [1, 1, 0])).toBe(1);
  });

  it('treats tied scores as one threshold', () => {
    // Threshold 0.5 takes both tied rows: recall 1/2 at precision 1/2; then 0.1: recall 1 at precision 2/3.
    expect(averagePrecision([0.5, 0.5, 0.1], [1, 0, 1])).toBeCloseTo(0.25 + 1 / 3, 12);
  });

  it('is NaN without anomalies', () => {
    expect(averagePrecision([1, 2], [0, 0])).toBeNaN();
  });
});

describe('precisionAtK', () => {
  it('is the share of anomalies among the k highest scores', () => {
    const scores = [0.9, 0.8, 0.7, 0.6];
    const labels = [1, 0, 1, 0] as const;
    expect([1, 2, 3, 4].map((k) => precisionAtK(scores, labels, k))).toEqual([1, 0.5, 2 / 3, 0.5]);
  });

  it('counts rows tied across the cut by their expected share', () => {
    // Top 2: the normal 1.0, then one of three tied rows of which one is an anomaly: (0 + 1/3) / 2.
    expect(precisionAtK([1, 0.5, 0.5, 0.5], [0, 1, 0, 0], 2)).toBeCloseTo(1 / 6, 12);
  });

  it('refuses k outside 1..n', () => {
    for (const k of [0, 5, 1.5]) expectAppError(() => precisionAtK([1, 2, 3, 4], [0, 1, 0, 1], k), ErrorCode.BAD_USER_INPUT);
  });
});
