import { knnDistance } from '../../src/detectors/knn-distance';
import { KdTree } from '../../src/detectors/knn-distance/kd-tree';
import type { KnnState } from '../../src/detectors/knn-distance/knn-distance.detector';
import { metricOf, quantilesPlusEncoded, type MetricSpec } from '../../src/detectors/knn-distance/metric';
import { columnsByVariance, gatherColumns, Neighbours, squaredDistance } from '../../src/detectors/knn-distance/nearest';
import { fitRankScale, rankOf } from '../../src/detectors/knn-distance/rank-scale';
import { matrixFromRows, matrixRow, type Matrix } from '../../src/detectors/matrix';
import { ErrorCode } from '../../src/errors/error-codes';
import { rocAuc } from '../../src/metrics/roc';
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

describe('knn-distance metrics: the index finds what a full scan finds', () => {
  const train = clusteredWithOutliers({ seed: 31, rows: 300, cols: 5 }).X;
  const probe = concat(gaussian(32, 80, 5), rowsOf(train, [0, 5, 5]));
  const paired = (X: Matrix) => matrixFromRows(Array.from({ length: X.rows }, (_, i) => [...matrixRow(X, i), ...matrixRow(X, (i * 7) % X.rows)]));
  const dupes = duplicateHeavy(33, 300);
  const specs: [string, MetricSpec, Matrix, Matrix][] = [
    ['manhattan', metricOf('manhattan'), train, probe],
    ['fractional', metricOf('fractional'), train, probe],
    ['duplicate-heavy, manhattan', metricOf('manhattan'), dupes, concat(duplicateHeavy(34, 80), rowsOf(dupes, [0, 1]))],
    // Quantiles side by side with encoded values: the first 5 columns one way, the other 5 the other.
    ['quantiles plus encoded', quantilesPlusEncoded(5, 0.1), paired(train), concat(paired(probe), rowsOf(paired(train), [3]))],
  ];

  it.each(specs)('%s', (_, spec, reference, queries) => {
    // The order the tree searches in: the brute-force scan must see columns where the metric expects them.
    const order = spec.columnOrder?.(reference) ?? columnsByVariance(reference);
    const metric = spec.bind(order);
    const ref = new Float64Array(reference.data.length);
    for (let j = 0; j < reference.rows; j++) gatherColumns(order, reference.data, j * reference.cols, ref, j * reference.cols);
    const query = new Float64Array(reference.cols);
    const tree = KdTree.build(reference, spec);
    const neighbours = new Neighbours(7);
    for (let q = 0; q < queries.rows; q++) {
      gatherColumns(order, queries.data, q * queries.cols, query, 0);
      const all = Array.from({ length: reference.rows }, (_, j) => metric.cost(query, ref, j * reference.cols, Infinity)).sort((a, b) => a - b);
      if (all[0] === 0) all.shift();
      tree.nearest(queries, q, neighbours);
      expect(Array.from(neighbours.best)).toEqual(all.slice(0, 7));
    }
  });
});

describe('knn-distance on the quantile scale', () => {
  /** Column 0..3 Gaussian; column 4 zero for 90% of rows and anywhere up to 10,000 for the rest. */
  function spiky(seed: number, rows: number): Matrix {
    const rng = createRng(seed);
    return matrixFromRows(Array.from({ length: rows }, () => [rng.normal(), rng.normal(), rng.normal(), rng.normal(), rng.next() < 0.1 ? rng.next() * 10_000 : 0]));
  }

  it('keeps a long-tailed column from drowning an outlier in another', () => {
    const train = spiky(41, 2000);
    const normal = spiky(42, 400);
    const outliers = matrixFromRows(Array.from({ length: 20 }, (_, i) => [6 + (i % 3), 0, 0, 0, 0]));
    const X = concat(normal, outliers);
    const labels = [...Array(normal.rows).fill(0), ...Array(outliers.rows).fill(1)];
    const auc = (params: object) => rocAuc(fit(train, { k: 20, maxSamples: 512, ...params }).score(X), labels);
    const quantiles = auc({ scale: 'rank', metric: 'manhattan' });
    // Measured: 0.96 against 0.88.
    expect(quantiles).toBeGreaterThan(0.95);
    expect(auc({})).toBeLessThan(quantiles - 0.05);
  });

  it('scores as quantile distance plus the weighted fractional distance of the encoded values', () => {
    const train = spiky(43, 600);
    const probe = spiky(44, 30);
    const detector = fit(train, { k: 5, maxSamples: 200, scale: 'rank', metric: 'manhattan', encodedWeight: 0.3 });
    const state = detector.serialize().state as KnnState;
    const ranks = { cols: state.cols, knots: Float64Array.from(state.ranks!.knots), slopeLow: Float64Array.from(state.ranks!.slopeLow), slopeHigh: Float64Array.from(state.ranks!.slopeHigh) };
    const reference = referenceOf(detector);
    const scores = detector.score(probe);
    for (let q = 0; q < probe.rows; q++) {
      const costs = Array.from({ length: reference.rows }, (_, j) => {
        let cost = 0;
        for (let c = 0; c < state.cols; c++) {
          const x = probe.data[q * state.cols + c];
          const r = reference.data[j * state.cols + c];
          cost += Math.abs(rankOf(ranks, c, x) - rankOf(ranks, c, r)) + 0.3 * Math.sqrt(Math.abs(x - r));
        }
        return cost;
      }).sort((a, b) => a - b);
      expect(scores[q]).toBeCloseTo(mean(costs.slice(0, 5)), 9);
    }
    expect(Array.from(knnDistance.load(JSON.parse(JSON.stringify(detector.serialize()))).score(probe))).toEqual(Array.from(scores));
  });

  it('maps a column to its training quantiles, a point mass to the middle of its share, and goes on linearly past the ends', () => {
    const rng = createRng(45);
    // 90% zeros, the rest spread over (0, 10]; one row far out at 1000.
    const column = Array.from({ length: 1000 }, (_, i) => (i === 0 ? 1000 : rng.next() < 0.9 ? 0 : 10 * rng.next() + 1e-9));
    const scale = fitRankScale(matrixFromRows(column.map((v) => [v])));
    const at = (x: number) => rankOf(scale, 0, x);
    expect(at(0)).toBeCloseTo((0.005 + 0.9) / 2, 1);
    const grid = [-5, -1, 0, 0.5, 1, 2, 5, 9, 10, 20, 500, 1000, 5000];
    grid.slice(1).forEach((x, i) => expect(at(x)).toBeGreaterThanOrEqual(at(grid[i])));
    expect(at(5)).toBeGreaterThan(0.9);
    expect(at(5)).toBeLessThan(1);
    // Past the last knot it keeps the slope of the last decile: 1000 lies far beyond, and 5000 farther still.
    expect(at(1000)).toBeGreaterThan(10);
    expect(at(5000) - at(1000)).toBeCloseTo((at(1000) - at(20)) * (4000 / 980), 6);
    // Below the first knot (all zeros) it takes the slope of the whole core, the only stretch that is not one value.
    expect(at(-5)).toBeLessThan(0);
    expect(at(-5) - at(-10)).toBeCloseTo((at(-1) - at(-5)) * (5 / 4), 9);
  });

  it('refuses encodedWeight without the quantile scale and the Manhattan metric', () => {
    for (const params of [{ encodedWeight: 0.1 }, { encodedWeight: 0.1, scale: 'rank' }, { encodedWeight: 0.1, metric: 'manhattan' }]) {
      const err = expectAppError(() => knnDistance.create(params), ErrorCode.INVALID_DETECTOR_PARAMS);
      expect(err.details.param).toBe('encodedWeight');
    }
  });

  it('refuses a saved state whose rank scale does not match its params', () => {
    const saved = fit(gaussian(46, 100, 3), { k: 3, scale: 'rank' }).serialize();
    const state = saved.state as KnnState;
    const broken = (change: Partial<KnnState>) => ({ ...saved, state: { ...state, ...change } });
    expectAppError(() => knnDistance.load(broken({ ranks: undefined })), ErrorCode.INVALID_MODEL_STATE);
    expectAppError(() => knnDistance.load(broken({ ranks: { ...state.ranks!, knots: state.ranks!.knots.slice(1) } })), ErrorCode.INVALID_MODEL_STATE);
    expectAppError(() => knnDistance.load(broken({ ranks: { ...state.ranks!, knots: [...state.ranks!.knots].reverse() } })), ErrorCode.INVALID_MODEL_STATE);
    expectAppError(() => knnDistance.load(broken({ ranks: { ...state.ranks!, slopeHigh: state.ranks!.slopeHigh.map(() => 0) } })), ErrorCode.INVALID_MODEL_STATE);
    const plain = fit(gaussian(46, 100, 3), { k: 3 }).serialize();
    expectAppError(() => knnDistance.load({ ...plain, state: { ...(plain.state as KnnState), ranks: state.ranks! } }), ErrorCode.INVALID_MODEL_STATE);
  });
});
