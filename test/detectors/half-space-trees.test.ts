import { halfSpaceTrees } from '../../src/detectors/half-space-trees';
import type { HalfSpaceTreesState } from '../../src/detectors/half-space-trees/half-space-trees.detector';
import type { Matrix } from '../../src/detectors/matrix';
import { ErrorCode } from '../../src/errors/error-codes';
import { expectAppError } from './expect-app-error';
import { gaussian } from './synthetic';

function shifted(X: Matrix, by: number): Matrix {
  return { ...X, data: X.data.map((v) => v + by) };
}

function fitted(params: object = {}) {
  const detector = halfSpaceTrees.create(params);
  detector.fit(gaussian(1, 2000, 4), { seed: 3 });
  return detector;
}

describe('half-space-trees', () => {
  it('scores rows far from the training mass above rows inside it', () => {
    const detector = fitted();
    const [inside, far] = detector.score({ rows: 2, cols: 4, data: Float64Array.of(0, 0, 0, 0, 4, 4, 4, 4) });
    expect(far).toBeGreaterThan(inside);
  });

  it('follows drift online: a full window of new data replaces the reference profile', () => {
    const detector = fitted({ windowSize: 500 });
    const newCentre: Matrix = { rows: 1, cols: 4, data: Float64Array.of(2.5, 2.5, 2.5, 2.5) };
    const before = detector.score(newCentre)[0];
    detector.partialFit!(shifted(gaussian(4, 499, 4), 2.5));
    // One row short of a full window: the reference is unchanged.
    expect(detector.score(newCentre)[0]).toBe(before);
    detector.partialFit!(shifted(gaussian(5, 1, 4), 2.5));
    expect(detector.score(newCentre)[0]).toBeLessThan(before);
  });

  it('saves a window in progress, so a loaded model completes it as the original would', () => {
    const a = fitted({ windowSize: 100 });
    a.partialFit!(shifted(gaussian(6, 60, 4), 1));
    const b = halfSpaceTrees.load(JSON.parse(JSON.stringify(a.serialize())));
    for (const d of [a, b]) d.partialFit!(shifted(gaussian(7, 40, 4), 1));
    const probe = gaussian(8, 50, 4);
    expect(b.score(probe)).toEqual(a.score(probe));
    expect((b.serialize().state as HalfSpaceTreesState).latestRows).toBe(0);
  });

  it('refuses node masses that disagree with the row counts', () => {
    const saved = fitted().serialize();
    const state = saved.state as HalfSpaceTreesState;
    expectAppError(() => halfSpaceTrees.load({ ...saved, state: { ...state, referenceRows: 1999 } }), ErrorCode.INVALID_MODEL_STATE);
    expectAppError(() => halfSpaceTrees.load({ ...saved, state: { ...state, reference: state.latest } }), ErrorCode.INVALID_MODEL_STATE);
    expectAppError(() => halfSpaceTrees.load({ ...saved, params: { ...(saved.params as object), depth: 9 } }), ErrorCode.INVALID_MODEL_STATE);
  });

  it('refuses streaming rows with non-finite values', () => {
    const detector = fitted();
    const bad = gaussian(9, 3, 4);
    bad.data[5] = Infinity;
    expectAppError(() => detector.partialFit!(bad), ErrorCode.INVALID_TRAINING_DATA);
  });
});
