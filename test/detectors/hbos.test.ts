import { hbos } from '../../src/detectors/hbos';
import type { HbosState } from '../../src/detectors/hbos/hbos.detector';
import { matrixFromRows } from '../../src/detectors/matrix';
import { ErrorCode } from '../../src/errors/error-codes';
import { expectAppError } from './expect-app-error';
import { gaussian } from './synthetic';

/** Column 0 continuous (normal), column 1 a flag that is 1 in 2% of rows. */
function training() {
  const X = gaussian(1, 1000, 1);
  return matrixFromRows(Array.from(X.data, (v, i) => [v, i % 50 === 0 ? 1 : 0]));
}

function fitted(params: object = {}) {
  const detector = hbos.create(params);
  detector.fit(training(), { seed: 1 });
  return detector;
}

describe('hbos', () => {
  it('scores a row as the sum of its per-column surprises, 0 for the commonest value', () => {
    const detector = fitted();
    const probe = matrixFromRows([[0, 0], [0, 1], [2.5, 0], [40, 1]]);
    const scores = detector.score(probe);
    for (let r = 0; r < probe.rows; r++) {
      const contributions = detector.explain!(probe.data.subarray(r * 2, r * 2 + 2));
      expect(contributions.every((c) => c >= 0)).toBe(true);
      expect(contributions[0] + contributions[1]).toBeCloseTo(scores[r], 12);
    }
    expect(detector.explain!(Float64Array.of(0, 0))[1]).toBe(0);
    // The rare flag value costs ln(980 / 20) wherever the other column is.
    expect(detector.explain!(Float64Array.of(0, 1))[1]).toBeCloseTo(Math.log(980 / 20), 12);
  });

  it('ranks the centre below the tail below far outside the training range, without a ceiling', () => {
    const detector = fitted();
    const s = detector.score(matrixFromRows([[0, 0], [2.8, 0], [10, 0], [1000, 0]]));
    expect(s[0]).toBeLessThan(s[1]);
    expect(s[1]).toBeLessThan(s[2]);
    expect(s[2]).toBeLessThan(s[3]);
  });

  it('counts values when a column has few distinct ones, and bins the rest', () => {
    const state = fitted({ bins: 20 }).serialize().state as HbosState;
    expect(state.columns.map((c) => c.type)).toEqual(['bins', 'values']);
    expect(state.columns[0].surprise).toHaveLength(20);
    expect(state.columns[1]).toMatchObject({ type: 'values', values: [0, 1] });
  });

  it('gives a value training never had the surprise of `alpha` rows, plus its distance', () => {
    const detector = fitted({ alpha: 0.5 });
    const unseen = Math.log(980 / 0.5);
    expect(detector.explain!(Float64Array.of(0, 3))[1]).toBeCloseTo(unseen + Math.log1p(2), 12);
  });

  it('refuses a saved state whose histograms disagree with the params', () => {
    const saved = fitted({ bins: 20 }).serialize();
    expectAppError(() => hbos.load({ ...saved, params: { ...(saved.params as object), bins: 21 } }), ErrorCode.INVALID_MODEL_STATE);
    const state = saved.state as HbosState;
    const shuffled = { ...state, columns: [state.columns[0], { ...state.columns[1], values: [1, 0] }] };
    expectAppError(() => hbos.load({ ...saved, state: shuffled }), ErrorCode.INVALID_MODEL_STATE);
  });
});
