import { empiricalTails } from '../../src/detectors/empirical-tails';
import { countBelow, knotRanks } from '../../src/detectors/empirical-tails/column-tails';
import { matrixFromRows } from '../../src/detectors/matrix';
import { gaussian } from './synthetic';

/** Column 0 continuous (normal), column 1 a flag that is 1 in 2% of rows, column 2 always 0. */
function training(rows = 1000) {
  const X = gaussian(1, rows, 1);
  return matrixFromRows(Array.from(X.data, (v, i) => [v, i % 50 === 0 ? 1 : 0, 0]));
}

function fitted(params: object = {}, rows = 1000) {
  const detector = empiricalTails.create(params);
  detector.fit(training(rows), { seed: 1 });
  return detector;
}

describe('empirical-tails', () => {
  it('scores a value by the share of training rows at least as extreme, on its more extreme side', () => {
    const detector = fitted();
    const [centre, flag] = [detector.explain!(Float64Array.of(0, 0, 0)), detector.explain!(Float64Array.of(0, 1, 0))];
    // About half the rows lie on either side of the centre: −ln(½).
    expect(centre[0]).toBeCloseTo(Math.log(2), 1);
    // 20 of 1000 rows have the flag: −ln((20 + ½) / 1001).
    expect(flag[1]).toBeCloseTo(-Math.log(20.5 / 1001), 12);
    expect(centre[1]).toBeCloseTo(-Math.log(980.5 / 1001), 12);
  });

  it('keeps growing beyond the training range, up to maxExcess tail scales', () => {
    const detector = fitted();
    const s = detector.score(matrixFromRows([[0, 0, 0], [2.5, 0, 0], [6, 0, 0], [60, 0, 0], [1e6, 0, 0]]));
    for (let i = 1; i < 4; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
    const capped = detector.explain!(Float64Array.of(1e6, 0, 0))[0];
    expect(capped - detector.explain!(Float64Array.of(1e5, 0, 0))[0]).toBe(0);
    expect(capped).toBeCloseTo(-Math.log(0.5 / 1001) + 20, 9);
  });

  it('makes a value a constant column never had as surprising as a value past the range', () => {
    const unseen = fitted().explain!(Float64Array.of(0, 0, 1))[2];
    // Never reached (½ of a row) plus one unit beyond, in the floor tail scale of ½.
    expect(unseen).toBeCloseTo(-Math.log(0.5 / 1001) + 2, 9);
  });

  it('lets the most surprising column decide under max, and every column count under sum', () => {
    const oneExtreme = Float64Array.of(8, 0, 0);
    const twoRare = Float64Array.of(2.3, 1, 0);
    const max = fitted({ combine: 'max' });
    const sum = fitted({ combine: 'sum' });
    const score = (d: typeof max, row: Float64Array) => d.score({ rows: 1, cols: 3, data: row })[0];
    expect(score(max, oneExtreme)).toBeGreaterThan(score(max, twoRare));
    const parts = sum.explain!(twoRare);
    expect(score(sum, twoRare)).toBeCloseTo(parts[0] + parts[1] + parts[2], 12);
    expect(score(max, twoRare)).toBeCloseTo(Math.max(...parts) + (0.01 * (parts[0] + parts[1] + parts[2])) / 3, 12);
  });

  it('keeps a bounded number of values per column, exact at both ends', () => {
    const ranks = knotRanks(100_000, 256);
    expect(ranks.length).toBeLessThanOrEqual(256);
    expect(Array.from(ranks.slice(0, 64))).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(ranks[ranks.length - 1]).toBe(99_999);
    expect(Array.from(knotRanks(10, 256))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const sorted = Float64Array.from({ length: 100_000 }, (_, i) => i);
    const values = Float64Array.from(ranks, (r) => sorted[r]);
    // Exact among the most extreme rows, within a few percent in between.
    expect(countBelow(values, 0, ranks, 100_000, 99_990, false)).toBe(99_990);
    expect(countBelow(values, 0, ranks, 100_000, 5, true)).toBe(6);
    expect(Math.abs(countBelow(values, 0, ranks, 100_000, 30_000.5, true) - 30_001)).toBeLessThan(30_000 * 0.05);
    const big = fitted({}, 20_000);
    expect(JSON.stringify(big.serialize()).length).toBeLessThan(20_000);
  });
});
