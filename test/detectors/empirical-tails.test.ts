import { empiricalTails } from '../../src/detectors/empirical-tails';
import { ColumnKnots, knotRanks } from '../../src/detectors/empirical-tails/column-tails';
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

/** One column of training() on its own: a detector on it scores exactly that column's surprise. */
function column(c: number, params: object = {}) {
  const X = training();
  const detector = empiricalTails.create({ combine: 'sum', ...params });
  detector.fit({ rows: X.rows, cols: 1, data: Float64Array.from({ length: X.rows }, (_, r) => X.data[r * 3 + c]) }, { seed: 1 });
  return (v: number) => detector.score({ rows: 1, cols: 1, data: Float64Array.of(v) })[0];
}

describe('empirical-tails', () => {
  it('scores a value by the share of training rows at least as extreme, on its more extreme side', () => {
    const flag = column(1);
    // 20 of 1000 rows have the flag: −ln((20 + ½) / 1001); the other 980 sit at or below 0.
    expect(flag(1)).toBeCloseTo(-Math.log(20.5 / 1001), 12);
    expect(flag(0)).toBeCloseTo(-Math.log(980.5 / 1001), 12);
    // About half the rows lie on either side of the centre: −ln(½).
    expect(column(0)(0)).toBeCloseTo(Math.log(2), 1);
  });

  it('keeps growing beyond the training range, up to maxExcess tail scales', () => {
    const surprise = column(0);
    const s = [0, 2.5, 4, 8, 1e5, 1e6].map(surprise);
    for (let i = 1; i < 5; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
    expect(s[5]).toBe(s[4]);
    expect(s[5]).toBeCloseTo(-Math.log(0.5 / 1001) + 20, 9);
  });

  it('makes a value a constant column never had as surprising as a value past the range', () => {
    // Never reached (½ of a row) plus one unit beyond, in the floor tail scale of ½.
    expect(column(2)(1)).toBeCloseTo(-Math.log(0.5 / 1001) + 2, 9);
  });

  it('lets the most surprising column decide under max, and every column count under sum', () => {
    const oneExtreme = Float64Array.of(8, 0, 0);
    const twoRare = Float64Array.of(2.3, 1, 0);
    const max = empiricalTails.create({ combine: 'max' });
    const sum = empiricalTails.create({ combine: 'sum' });
    max.fit(training(), { seed: 1 });
    sum.fit(training(), { seed: 1 });
    const score = (d: typeof max, row: Float64Array) => d.score({ rows: 1, cols: 3, data: row })[0];
    expect(score(max, oneExtreme)).toBeGreaterThan(score(max, twoRare));
    const parts = [column(0)(2.3), column(1)(1), column(2)(0)];
    expect(score(sum, twoRare)).toBeCloseTo(parts[0] + parts[1] + parts[2], 12);
    expect(score(max, twoRare)).toBeCloseTo(Math.max(...parts) + (0.01 * (parts[0] + parts[1] + parts[2])) / 3, 12);
  });

  it('sums hundreds of columns of rare values as their surprises one by one', () => {
    // 400 columns whose values are all far in one tail: their row counts multiply far past what a double holds.
    const cols = 400;
    const rows = 2000;
    const X = gaussian(3, rows, cols);
    const row = Float64Array.from({ length: cols }, (_, c) => (c % 2 === 0 ? 2.2 : -2.4) + c / 1000);
    const wide = empiricalTails.create({ combine: 'sum' });
    wide.fit(X, { seed: 1 });
    let expected = 0;
    for (let c = 0; c < cols; c++) {
      const one = empiricalTails.create({ combine: 'sum' });
      one.fit({ rows, cols: 1, data: Float64Array.from({ length: rows }, (_, r) => X.data[r * cols + c]) }, { seed: 1 });
      expected += one.score({ rows: 1, cols: 1, data: Float64Array.of(row[c]) })[0];
    }
    const score = wide.score({ rows: 1, cols, data: row })[0];
    expect(Number.isFinite(score)).toBe(true);
    expect(score).toBeCloseTo(expected, 8);
  });

  it('explains by the surprise beyond each column\'s usual value', () => {
    const detector = fitted();
    const usual = detector.explain!(Float64Array.of(0, 0, 0));
    expect(Math.max(...usual)).toBeLessThan(0.05);
    const flagged = detector.explain!(Float64Array.of(0, 1, 0));
    expect(flagged[1]).toBeCloseTo(column(1)(1) - column(1)(0), 12);
    expect(flagged[0]).toBeLessThan(0.05);
    expect(flagged[2]).toBe(0);
  });

  it('scores training rows the same when their encoding differs in the last bits (a spec read back from JSON)', () => {
    const X = training();
    const detector = empiricalTails.create();
    detector.fit(X, { seed: 1 });
    const nudged = { ...X, data: X.data.map((v) => v * (1 + 4e-16) + 1e-17) };
    const [a, b] = [detector.score(X), detector.score(nudged)];
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 9);
  });

  it('keeps a bounded number of values per column, exact at both ends', () => {
    const ranks = knotRanks(100_000, 256);
    expect(ranks.length).toBeLessThanOrEqual(256);
    expect(Array.from(ranks.slice(0, 64))).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(ranks[ranks.length - 1]).toBe(99_999);
    expect(Array.from(knotRanks(10, 256))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Column 0: the ranks themselves; column 1: a flag that is on in the top 3% of rows.
    const values = Float64Array.from([...ranks, ...Array.from(ranks, (r) => (r >= 97_000 ? 1 : 0))]);
    const knots = new ColumnKnots(values, ranks, 2, 100_000);
    // Exact among the most extreme rows (10 at or above 99,990; 6 at or below 5), within a few percent in between.
    expect(knots.rowsAsExtreme(0, 99_990)).toBe(10);
    expect(knots.rowsAsExtreme(0, 5)).toBe(6);
    expect(Math.abs(knots.rowsAsExtreme(0, 30_000.5) - 30_000)).toBeLessThan(30_000 * 0.05);
    expect(Math.abs(knots.rowsAsExtreme(1, 1) - 3_000)).toBeLessThan(3_000 * 0.05);
    expect(knots.rowsAsExtreme(1, 1 + 1e-12)).toBe(knots.rowsAsExtreme(1, 1));
    const big = fitted({}, 20_000);
    expect(JSON.stringify(big.serialize()).length).toBeLessThan(20_000);
  });
});
