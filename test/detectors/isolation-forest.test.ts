import type { SerializedDetector } from '../../src/detectors/detector.types';
import { isolationForest } from '../../src/detectors/isolation-forest';
import { averagePathLength } from '../../src/detectors/isolation-forest/forest';
import type { ForestState } from '../../src/detectors/isolation-forest/forest-state';
import type { Matrix } from '../../src/detectors/matrix';
import { matrixFromRows, matrixRow } from '../../src/detectors/matrix';
import { ErrorCode } from '../../src/errors/error-codes';
import { expectAppError } from './expect-app-error';
import { gaussian } from './synthetic';

function fit(X: Matrix, params: object = {}, seed = 1) {
  const detector = isolationForest.create(params);
  detector.fit(X, { seed });
  return detector;
}

function forestOf(serialized: SerializedDetector): ForestState {
  return serialized.state as ForestState;
}

function depths(state: ForestState): number[] {
  const depth = state.feature.map(() => 0);
  state.feature.forEach((f, i) => {
    if (f >= 0) depth[state.left[i]] = depth[state.left[i] + 1] = depth[i] + 1;
  });
  return depth;
}

/** The textbook scoring: one tree at a time, one branch per node. */
function naiveScore(state: ForestState, row: ArrayLike<number>): number {
  let total = 0;
  for (const root of state.roots) {
    let node = root;
    let depth = 0;
    while (state.feature[node] !== -1) {
      node = row[state.feature[node]] <= state.split[node] ? state.left[node] : state.left[node] + 1;
      depth++;
    }
    total += depth + averagePathLength(state.size[node]);
  }
  return 2 ** -(total / state.roots.length / averagePathLength(state.sampleSize));
}

describe('isolation-forest', () => {
  it('scores as the textbook walk of the stored trees does (tree count not a multiple of 8)', () => {
    const detector = fit(gaussian(1, 500, 6), { nEstimators: 13 });
    const probe = gaussian(2, 100, 6);
    const scores = detector.score(probe);
    const state = forestOf(detector.serialize());
    for (let i = 0; i < probe.rows; i++) expect(scores[i]).toBeCloseTo(naiveScore(state, matrixRow(probe, i)), 12);
  });

  it('grows every tree on a subsample of maxSamples rows, or all rows when fewer', () => {
    for (const [rows, expected] of [[1000, 64], [40, 40]]) {
      const state = forestOf(fit(gaussian(3, rows, 4), { maxSamples: 64 }).serialize());
      expect(state.sampleSize).toBe(expected);
      const treeSizes = state.roots.map((root, t) => {
        const end = state.roots[t + 1] ?? state.feature.length;
        return state.size.slice(root, end).reduce((a, b) => a + b, 0);
      });
      expect(treeSizes).toEqual(state.roots.map(() => expected));
    }
  });

  it('draws a fresh random subsample for each tree', () => {
    // One distinct row among 1000 identical ones: only trees whose sample holds it can split at all.
    const X = { rows: 1000, cols: 1, data: new Float64Array(1000) };
    X.data[500] = 1;
    const state = forestOf(fit(X, { maxSamples: 64 }).serialize());
    const splitting = state.roots.filter((root) => state.feature[root] !== -1).length;
    // Expected 64/1000 of 100 trees; the same sample for every tree would give 0 or 100.
    expect(splitting).toBeGreaterThanOrEqual(2);
    expect(splitting).toBeLessThanOrEqual(15);
  });

  it('stops growing at depth ceil(log2(sample size))', () => {
    const state = forestOf(fit(gaussian(4, 1000, 4), { maxSamples: 64 }).serialize());
    const depth = depths(state);
    expect(Math.max(...depth)).toBe(6);
    // The limit, not running out of rows, ended these leaves.
    expect(state.size.some((size, i) => depth[i] === 6 && size > 1)).toBe(true);
  });

  it('gives a lone far-away row the highest score, and every score lies in (0, 1]', () => {
    const X = gaussian(5, 400, 5);
    X.data.fill(8, 123 * 5, 124 * 5);
    const scores = fit(X).score(X);
    expect(scores.indexOf(Math.max(...scores))).toBe(123);
    expect(scores[123]).toBeGreaterThan(0.7);
    const extreme = matrixFromRows([[1e300, -1e300, 0, 0, 0], [0, 0, 0, 0, 0]]);
    for (const s of [...scores, ...fit(X).score(extreme)]) {
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(1);
    }
  });

  it('never splits on a constant column, and scores identical rows 0.5', () => {
    const X = gaussian(6, 300, 4);
    for (let r = 0; r < X.rows; r++) X.data[r * 4 + 2] = 3;
    expect(forestOf(fit(X).serialize()).feature).not.toContain(2);

    const same = matrixFromRows(Array.from({ length: 50 }, () => [1, 2, 3]));
    for (const s of fit(same).score(same)) expect(s).toBeCloseTo(0.5, 12);
  });

  it('uses the path-length correction c(n) of Liu et al.', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 4);
  });

  it('refuses more columns than its node code can address', () => {
    const wide = { rows: 2, cols: 1025, data: new Float64Array(2050).map((_, i) => i) };
    expectAppError(() => isolationForest.create().fit(wide, { seed: 1 }), ErrorCode.INVALID_TRAINING_DATA);
  });

  it('refuses saved forests whose walks could leave their tree', () => {
    const good = JSON.parse(JSON.stringify(fit(gaussian(7, 200, 3), { nEstimators: 3 }).serialize()));
    const damage: ((s: ForestState) => void)[] = [
      (s) => (s.left[0] = 0), // a loop back to the root
      (s) => (s.left[0] = s.roots[1] - 1), // a child in the next tree
      (s) => (s.feature[0] = 3), // a column the model never saw
      (s) => (s.roots = [0, s.roots[2]]), // a tree fewer than nEstimators
    ];
    for (const change of damage) {
      const copy = JSON.parse(JSON.stringify(good));
      change(copy.state);
      expectAppError(() => isolationForest.load(copy), ErrorCode.INVALID_MODEL_STATE);
    }
  });
});
