import { calibrate, normalizeScore } from '../../src/detection/score-calibration';

describe('score calibration', () => {
  const scores = Float64Array.from({ length: 1000 }, (_, i) => i / 1000);

  it('puts the threshold at the (1 - contamination) quantile', () => {
    const cal = calibrate(scores, 0.01);
    expect(cal.threshold).toBeCloseTo(0.98901, 4);
    const above = scores.filter((s) => s >= cal.threshold).length;
    expect(above).toBe(10);
    expect(cal.quantiles.q50).toBeCloseTo(0.4995, 4);
    expect(cal.quantiles.max).toBeCloseTo(0.999, 6);
  });

  it('never flags more than the contamination share of the training scores (at least one)', () => {
    // 1% of 556 is 5.56: an interpolated quantile would leave 6 scores at or above it.
    const odd = Float64Array.from({ length: 556 }, (_, i) => i);
    expect(odd.filter((s) => s >= calibrate(odd, 0.01).threshold).length).toBe(5);
    const tiny = Float64Array.from({ length: 50 }, (_, i) => i);
    expect(tiny.filter((s) => s >= calibrate(tiny, 0.01).threshold).length).toBe(1);
  });

  it('normalises to 0.5 exactly at the threshold, monotonically', () => {
    expect(normalizeScore(0.9, 0.9, 0.5)).toBe(0.5);
    expect(normalizeScore(0.95, 0.9, 0.5)).toBeGreaterThan(0.5);
    expect(normalizeScore(0.6, 0.9, 0.5)).toBeLessThan(normalizeScore(0.7, 0.9, 0.5));
    expect(normalizeScore(100, 0.9, 0.5)).toBeLessThanOrEqual(1);
    expect(normalizeScore(-100, 0.9, 0.5)).toBeGreaterThanOrEqual(0);
  });

  it('copes with a degenerate training distribution', () => {
    expect(normalizeScore(1, 1, 1)).toBe(1);
    expect(normalizeScore(0.5, 1, 1)).toBe(0);
  });
});
