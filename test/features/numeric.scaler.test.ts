import { fitFeatureSpec } from '../../src/features/feature-spec.builder';
import type { NumericFeatureSpec } from '../../src/features/feature-spec.types';
import { FeatureEncoder } from '../../src/features/feature.encoder';
import { robustScale, shouldLogScale } from '../../src/features/numeric.scaler';
import { createRng } from '../../src/util/random';

const sorted = (values: number[]) => Float64Array.from(values).sort();

describe('log-scaling decision', () => {
  const rng = createRng(7);

  it('log-scales heavy-tailed non-negative sizes', () => {
    const bytes = Array.from({ length: 5000 }, () => Math.round(Math.exp(6 + 2.5 * rng.normal())));
    expect(shouldLogScale(sorted(bytes))).toBe(true);
  });

  it('log-scales mostly-zero counts with a tail', () => {
    const counts = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? i : 0));
    expect(shouldLogScale(sorted(counts))).toBe(true);
  });

  it('keeps bounded bimodal packet sizes linear, wherever the median lands', () => {
    for (const acks of [0.3, 0.5, 0.7]) {
      const sizes = Array.from({ length: 4000 }, () => (rng.next() < acks ? 52 + rng.int(10) : 1500 - rng.int(5)));
      expect(shouldLogScale(sorted(sizes))).toBe(false);
    }
  });

  it('keeps rates, binaries, symmetric and negative data linear', () => {
    expect(shouldLogScale(sorted(Array.from({ length: 1000 }, () => rng.next())))).toBe(false);
    expect(shouldLogScale(sorted(Array.from({ length: 1000 }, (_, i) => (i % 50 === 0 ? 1 : 0))))).toBe(false);
    expect(shouldLogScale(sorted(Array.from({ length: 1000 }, () => 100 + 10 * rng.normal())))).toBe(false);
    expect(shouldLogScale(sorted([-5, 1, 2, 3, 1000, 100000]))).toBe(false);
  });
});

describe('robust scaling', () => {
  it('uses IQR / 1.349 so a normal sample gets scale ≈ its std', () => {
    const rng = createRng(1);
    const scale = robustScale(sorted(Array.from({ length: 20000 }, () => 3 * rng.normal())));
    expect(scale).toBeCloseTo(3, 0);
  });

  it('falls back to the std when the IQR is 0, and to 1 for a constant', () => {
    const mostlyZero = Array.from({ length: 100 }, (_, i) => (i < 90 ? 0 : 1));
    expect(robustScale(sorted(mostlyZero))).toBeCloseTo(0.3, 5);
    expect(robustScale(sorted([4, 4, 4, 4]))).toBe(1);
  });

  it('encodes (transformed value − median) / scale, imputing missing values with the median', () => {
    const records = Array.from({ length: 101 }, (_, i) => (i === 100 ? {} : { packetSize: 100 + i }));
    const spec = fitFeatureSpec('packet', records);
    const def = spec.features.find((f) => f.key === 'packetSize') as NumericFeatureSpec;
    expect(def.log).toBe(false);
    expect(def.center).toBeCloseTo(149.5);
    expect(def.missingIndicator).toBe(true);
    const encoder = new FeatureEncoder(spec);
    expect(encoder.names).toEqual(['packetSize', 'packetSize:missing']);
    const [z, missing] = encoder.transformRecord({ packetSize: 149.5 + def.scale });
    expect(z).toBeCloseTo(1, 12);
    expect(missing).toBe(0);
    expect(Array.from(encoder.transformRecord({}))).toEqual([0, 1]);
    expect(Array.from(encoder.transformRecord({ packetSize: Number.NaN }))).toEqual([0, 1]);
  });

  it('applies log1p before scaling when the field was judged heavy-tailed', () => {
    const rng = createRng(3);
    const records = Array.from({ length: 3000 }, () => ({ bytesOut: Math.round(Math.exp(5 + 2 * rng.normal())) }));
    const spec = fitFeatureSpec('flow', records);
    const def = spec.features.find((f) => f.key === 'bytesOut') as NumericFeatureSpec;
    expect(def.log).toBe(true);
    const row = new FeatureEncoder(spec).transformRecord({ bytesOut: 1e9 });
    expect(row[0]).toBeCloseTo((Math.log1p(1e9) - def.center) / def.scale, 10);
    expect(row[0]).toBeLessThan(20);
  });
});
