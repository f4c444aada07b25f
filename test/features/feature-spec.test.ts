import { FeatureSpecBuilder, fitFeatureSpec } from '../../src/features/feature-spec.builder';
import { featureSpecToJson, parseFeatureSpec } from '../../src/features/feature-spec';
import { FEATURE_SPEC_VERSION } from '../../src/features/feature-spec.types';
import { FeatureEncoder } from '../../src/features/feature.encoder';
import { generateHomeNetworkTraffic } from '../../src/sample/home-network.generator';
import { isAppError } from '../../src/errors/app-error';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAppError(err) ? err.code : 'not an AppError';
  }
  return undefined;
}

describe('feature spec', () => {
  // More records than the reservoir holds, so sampling is really exercised.
  const records = generateHomeNetworkTraffic({ seed: 11, count: 12_000, kind: 'flow' });
  const options = { reservoirSize: 2_000, seed: 99 };
  const spec = fitFeatureSpec('flow', records, options);

  it('survives a JSON round trip and encodes identically afterwards', () => {
    const loaded = parseFeatureSpec(JSON.parse(JSON.stringify(featureSpecToJson(spec))));
    expect(loaded).toEqual(spec);
    const before = new FeatureEncoder(spec).transform(records);
    const after = new FeatureEncoder(loaded).transform(records);
    expect(after.cols).toBe(before.cols);
    expect(Buffer.from(after.data.buffer).equals(Buffer.from(before.data.buffer))).toBe(true);
  });

  it('is the same whether fitted in one go or streamed in chunks', () => {
    for (const chunk of [1, 777, 5_000]) {
      const builder = new FeatureSpecBuilder('flow', options);
      for (let i = 0; i < records.length; i += chunk) builder.add(records.slice(i, i + chunk));
      expect(builder.build()).toEqual(spec);
    }
  });

  it('is deterministic for a seed; only sampled statistics depend on it', () => {
    expect(fitFeatureSpec('flow', records, options)).toEqual(spec);
    const other = fitFeatureSpec('flow', records, { ...options, seed: 100 });
    expect(other.features.map((f) => f.key)).toEqual(spec.features.map((f) => f.key));
    expect(JSON.stringify(other)).not.toEqual(JSON.stringify(spec));
  });

  it('refuses a spec from a newer version', () => {
    const newer = { ...spec, version: FEATURE_SPEC_VERSION + 1 };
    expect(codeOf(() => parseFeatureSpec(newer))).toBe('UNSUPPORTED_STATE_VERSION');
  });

  it.each([
    ['not an object', 42],
    ['null', null],
    ['no version', { ...spec, version: undefined }],
    ['no features', { ...spec, features: [] }],
    ['unknown feature type', { ...spec, features: [{ type: 'magic', key: 'x' }] }],
    ['zero scale', { ...spec, features: spec.features.map((f) => (f.type === 'numeric' ? { ...f, scale: 0 } : f)) }],
    ['counts of the wrong length', { ...spec, features: spec.features.map((f) => (f.type === 'categorical' ? { ...f, counts: [] } : f)) }],
    ['truncated port bitset', { ...spec, features: spec.features.map((f) => (f.type === 'port' ? { ...f, seen: 'AAAA' } : f)) }],
    ['service side without ports', { ...spec, features: spec.features.filter((f) => f.type !== 'port') }],
  ])('refuses a malformed spec (%s) with INVALID_FEATURE_SPEC', (_, json) => {
    expect(codeOf(() => parseFeatureSpec(json))).toBe('INVALID_FEATURE_SPEC');
  });

  describe('tabular categoricals', () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({
      attributes: { service: ['http', 'smtp', 'dns'][i % 3], flag: i % 5 ? 'SF' : 'REJ', bytes: (i * 53) % 900 },
    }));
    const tabular = fitFeatureSpec('tabular', rows);

    it('survive a JSON round trip, rarity encoding and pairs included', () => {
      const loaded = parseFeatureSpec(JSON.parse(JSON.stringify(featureSpecToJson(tabular))));
      expect(loaded).toEqual(tabular);
      expect(loaded.features.filter((f) => f.type === 'categorical').every((f) => f.type === 'categorical' && f.encoding === 'rarity')).toBe(true);
      expect(new FeatureEncoder(loaded).transform(rows)).toEqual(new FeatureEncoder(tabular).transform(rows));
    });

    const pairs = (change: (f: Record<string, unknown>) => Record<string, unknown>) => ({
      ...tabular,
      features: tabular.features.map((f) => (f.type === 'categoricalPair' ? change(f) : f)),
    });

    it.each([
      ['pair counts of the wrong length', pairs((f) => ({ ...f, counts: [] }))],
      ['a duplicate pair', pairs((f) => ({ ...f, pairs: [['http', 'SF'], ['http', 'SF']], counts: [1, 1] }))],
      ['a pair of three names', pairs((f) => ({ ...f, source: { from: 'pair', names: ['a', 'b', 'c'] } }))],
      ['an unknown categorical encoding', { ...tabular, features: tabular.features.map((f) => (f.type === 'categorical' ? { ...f, encoding: 'hash' } : f)) }],
    ])('refuses %s with INVALID_FEATURE_SPEC', (_, json) => {
      expect(codeOf(() => parseFeatureSpec(json))).toBe('INVALID_FEATURE_SPEC');
    });

    it('never pair a ground-truth column', () => {
      const labelled = rows.map((r, i) => ({ ...r, attributes: { ...r.attributes, attack_type: i % 7 ? 'normal' : 'smurf' } }));
      const keys = fitFeatureSpec('tabular', labelled).features.map((f) => f.key);
      expect(keys.filter((k) => k.includes('attack'))).toEqual([]);
      expect(keys).toContain('pair.service+flag');
    });

    it('are not made for packet or flow attributes', () => {
      const flows = rows.map((r) => ({ ...r, protocol: 'TCP' }));
      expect(fitFeatureSpec('flow', flows).features.some((f) => f.type === 'categoricalPair')).toBe(false);
    });
  });

  it('refuses to fit on nothing', () => {
    expect(codeOf(() => new FeatureSpecBuilder('packet').build())).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => fitFeatureSpec('packet', [{ label: 'normal' }]))).toBe('INVALID_TRAINING_DATA');
  });
});
