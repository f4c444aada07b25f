import { knnDistance } from '../../src/detectors/knn-distance';
import type { KnnState } from '../../src/detectors/knn-distance/knn-distance.detector';
import { matrixFromRows, matrixRow, type Matrix } from '../../src/detectors/matrix';
import { ErrorCode } from '../../src/errors/error-codes';
import { expectAppError } from './expect-app-error';
import { gaussian } from './synthetic';

function fit(X: Matrix, params: object, seed = 1) {
  const detector = knnDistance.create(params);
  detector.fit(X, { seed });
  return detector;
}

/** Sorted distances from `query` to every reference row, leaving out the row at index `self`. */
function naiveDistances(reference: Matrix, query: ArrayLike<number>, self = -1): number[] {
  const distances: number[] = [];
  for (let j = 0; j < reference.rows; j++) {
    if (j === self) continue;
    const row = matrixRow(reference, j);
    distances.push(Math.sqrt(row.reduce((sum, v, c) => sum + (v - query[c]) ** 2, 0)));
  }
  return distances.sort((a, b) => a - b);
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

describe('knn-distance', () => {
  const train = gaussian(1, 300, 7);
  const probe = gaussian(2, 50, 7);

  it('finds the same neighbours as a naive full sort', () => {
    const kth = fit(train, { k: 5, aggregate: 'kth' }).score(probe);
    const meanOf = fit(train, { k: 5, aggregate: 'mean' }).score(probe);
    for (let q = 0; q < probe.rows; q++) {
      const nearest = naiveDistances(train, matrixRow(probe, q)).slice(0, 5);
      expect(kth[q]).toBeCloseTo(nearest[4], 10);
      expect(meanOf[q]).toBeCloseTo(mean(nearest), 10);
    }
  });

  it('scores each training row without its own zero distance (leave-one-out)', () => {
    const scores = fit(train, { k: 3, aggregate: 'kth' }).score(train);
    for (let i = 0; i < train.rows; i++) {
      expect(scores[i]).toBeCloseTo(naiveDistances(train, matrixRow(train, i), i)[2], 10);
    }
  });

  it('skips only one copy of the row itself: an exact twin still counts as a neighbour', () => {
    const X = matrixFromRows([[0, 0], [0, 0], [5, 5], [9, 9], [20, 20]]);
    const scores = fit(X, { k: 1, aggregate: 'kth' }).score(X);
    expect(Array.from(scores)).toEqual([0, 0, Math.sqrt(32), Math.sqrt(32), Math.sqrt(242)]);
  });

  it('scores a training row the same alone, in a chunk or in the whole matrix', () => {
    const detector = fit(train, { k: 4 });
    const whole = detector.score(train);
    expect(detector.score({ rows: 10, cols: 7, data: train.data.slice(70, 140) })).toEqual(whole.slice(10, 20));
    expect(detector.score({ rows: 1, cols: 7, data: train.data.slice(0, 7) })).toEqual(whole.slice(0, 1));
  });

  it('keeps a seeded sample of maxSamples training rows as its reference', () => {
    const state = (seed: number) => fit(train, { k: 3, maxSamples: 40 }, seed).serialize().state as KnnState;
    const first = state(1);
    expect(first.rows).toBe(40);
    const trainRows = new Set(Array.from({ length: train.rows }, (_, i) => matrixRow(train, i).join()));
    for (let j = 0; j < first.rows; j++) {
      expect(trainRows.has(first.reference.slice(j * 7, (j + 1) * 7).join())).toBe(true);
    }
    expect(state(1)).toEqual(first);
    expect(state(2).reference).not.toEqual(first.reference);
  });

  it('needs more than k training rows and a reference sample larger than k', () => {
    expectAppError(() => fit(gaussian(3, 10, 2), { k: 10 }), ErrorCode.INVALID_TRAINING_DATA);
    const err = expectAppError(() => knnDistance.create({ k: 10, maxSamples: 10 }), ErrorCode.INVALID_DETECTOR_PARAMS);
    expect(err.details.param).toBe('maxSamples');
  });
});
