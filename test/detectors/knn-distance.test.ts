import { knnDistance } from '../../src/detectors/knn-distance';
import { KdTree } from '../../src/detectors/knn-distance/kd-tree';
import type { KnnState } from '../../src/detectors/knn-distance/knn-distance.detector';
import { columnsByVariance, gatherColumns, Neighbours, squaredDistance } from '../../src/detectors/knn-distance/nearest';
import { matrixFromRows, matrixRow, type Matrix } from '../../src/detectors/matrix';
import { ErrorCode } from '../../src/errors/error-codes';
import { FeatureEncoder, fitFeatureSpec } from '../../src/features';
import { generateHomeNetworkTraffic } from '../../src/sample';
import { createRng } from '../../src/util/random';
import { expectAppError } from './expect-app-error';
import { clusteredWithOutliers, gaussian } from './synthetic';

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

/**
 * The test oracle: every reference row's squared distance by the detector's
 * own kernel and column order, fully sorted, less one zero (the row itself).
 * The index must reproduce these bit for bit, not just closely.
 */
function bruteForceNearest(reference: Matrix, X: Matrix, k: number): Float64Array[] {
  const order = columnsByVariance(reference);
  const ref = new Float64Array(reference.data.length);
  for (let j = 0; j < reference.rows; j++) gatherColumns(order, reference.data, j * reference.cols, ref, j * reference.cols);
  const query = new Float64Array(X.cols);
  return Array.from({ length: X.rows }, (_, q) => {
    gatherColumns(order, X.data, q * X.cols, query, 0);
    const all = Array.from({ length: reference.rows }, (_, j) => squaredDistance(query, ref, j * reference.cols, Infinity));
    all.sort((a, b) => a - b);
    if (all[0] === 0) all.shift();
    return Float64Array.from(all.slice(0, k));
  });
}

function bruteForceScores(reference: Matrix, X: Matrix, k: number, aggregate: 'kth' | 'mean'): number[] {
  return bruteForceNearest(reference, X, k).map((squared) => {
    const distances = Array.from(squared, Math.sqrt);
    return aggregate === 'kth' ? distances[k - 1] : distances.reduce((a, b) => a + b, 0) / k;
  });
}

function referenceOf(detector: ReturnType<typeof fit>): Matrix {
  const { rows, cols, reference } = detector.serialize().state as KnnState;
  return { rows, cols, data: Float64Array.from(reference) };
}

function rowsOf(X: Matrix, indices: number[]): Matrix {
  const data = new Float64Array(indices.length * X.cols);
  indices.forEach((i, at) => data.set(matrixRow(X, i), at * X.cols));
  return { rows: indices.length, cols: X.cols, data };
}

function concat(a: Matrix, b: Matrix): Matrix {
  const data = new Float64Array(a.data.length + b.data.length);
  data.set(a.data);
  data.set(b.data, a.data.length);
  return { rows: a.rows + b.rows, cols: a.cols, data };
}

/** One-hot groups and a coarse numeric column: mostly exact duplicates, as in encoded packets. */
function duplicateHeavy(seed: number, rows: number): Matrix {
  const rng = createRng(seed);
  return matrixFromRows(
    Array.from({ length: rows }, () => {
      const oneHot = (width: number) => Array.from({ length: width }, (_, i) => (i === rng.int(width) ? 1 : 0));
      return [...oneHot(4), ...oneHot(3), Math.round(rng.normal() * 2) / 2];
    }),
  );
}

/** Rows of an identity matrix, `value` on the diagonal: no column splits them evenly, so the tree is as lopsided as it gets. */
function lopsided(rows: number, value: number): Matrix {
  const cols = 120;
  return matrixFromRows(Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, c) => (c === i % cols ? value : 0))));
}

function scaled(X: Matrix, factor: number): Matrix {
  return { ...X, data: X.data.map((v) => v * factor) };
}

function encodedPackets(seed: number, count: number): Matrix {
  const records = generateHomeNetworkTraffic({ seed, count });
  return new FeatureEncoder(fitFeatureSpec('packet', records)).transform(records);
}

describe('knn-distance index: exactly the brute-force result', () => {
  const encoded = encodedPackets(3, 1200);
  const cases: { name: string; train: Matrix; probe: Matrix }[] = [
    { name: 'random', train: gaussian(11, 400, 6), probe: gaussian(12, 150, 6) },
    { name: 'clustered', train: clusteredWithOutliers({ seed: 13, rows: 400, cols: 5 }).X, probe: gaussian(14, 150, 5) },
    { name: 'duplicate-heavy', train: duplicateHeavy(15, 400), probe: duplicateHeavy(16, 150) },
    { name: 'encoded packets', train: rowsOf(encoded, [...Array(800).keys()]), probe: rowsOf(encoded, [...Array(400).keys()].map((i) => 800 + i)) },
    { name: 'all rows identical', train: matrixFromRows(Array.from({ length: 40 }, () => [3, -1, 2])), probe: gaussian(17, 20, 3) },
    { name: 'single cluster, one leaf', train: gaussian(18, 12, 4), probe: gaussian(19, 30, 4) },
    { name: 'lopsided tree', train: lopsided(300, 1), probe: lopsided(60, 0.5) },
    { name: 'subnormal scale', train: scaled(gaussian(20, 200, 3), 1e-160), probe: scaled(gaussian(21, 50, 3), 1e-160) },
  ];

  describe.each(cases)('$name data', ({ train, probe }) => {
    // Training rows (scored leave-one-out), new rows, and new copies of reference rows.
    const queries = concat(concat(train, probe), rowsOf(train, [0, 1, 2, 2, train.rows - 1]));

    it.each([
      { k: 1, maxSamples: 2048 },
      { k: 10, maxSamples: 2048 },
      { k: 1, maxSamples: Math.max(train.rows >> 1, 2) },
      { k: 10, maxSamples: Math.max(train.rows >> 1, 11) },
    ])('k = $k, maxSamples = $maxSamples', ({ k, maxSamples }) => {
      for (const aggregate of ['kth', 'mean'] as const) {
        const detector = fit(train, { k, aggregate, maxSamples });
        const expected = bruteForceScores(referenceOf(detector), queries, k, aggregate);
        expect(Array.from(detector.score(queries))).toEqual(expected);
        const loaded = knnDistance.load(JSON.parse(JSON.stringify(detector.serialize())));
        expect(Array.from(loaded.score(queries))).toEqual(expected);
      }
    });

    it('finds the same k nearest squared distances', () => {
      const k = Math.min(10, train.rows - 1);
      const tree = KdTree.build(train);
      const neighbours = new Neighbours(k);
      bruteForceNearest(train, queries, k).forEach((expected, q) => {
        tree.nearest(queries, q, neighbours);
        expect(Array.from(neighbours.best)).toEqual(Array.from(expected));
      });
    });
  });

  it('scores a row with m copies in the reference by its m − 1 other copies', () => {
    const X = matrixFromRows([[1, 1], [1, 1], [1, 1], [4, 5], [8, 8], [9, 9]]);
    const scores = fit(X, { k: 2, aggregate: 'kth' }).score(matrixFromRows([[1, 1], [4, 5]]));
    expect(Array.from(scores)).toEqual([0, 5]);
  });
});

describe('knn-distance: rows to score must be finite', () => {
  const detector = fit(gaussian(1, 100, 3), { k: 3 });

  it.each([NaN, Infinity, -Infinity])('refuses %p with BAD_USER_INPUT naming the cell', (bad) => {
    const X = gaussian(2, 5, 3);
    X.data[3 * 3 + 1] = bad;
    const err = expectAppError(() => detector.score(X), ErrorCode.BAD_USER_INPUT);
    expect(err.details).toMatchObject({ detector: 'knn-distance', row: 3, column: 1 });
  });
});
