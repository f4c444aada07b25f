import { createDefaultRegistry } from '../../src/detectors/builtin';
import { evaluateSet } from '../../src/eval/harness';
import { generateHomeNetworkTraffic, injectAttacks } from '../../src/sample';

describe('evaluateSet', () => {
  it('reports each detector, the profile judged as the detection service does, and the seed baseline', async () => {
    const train = generateHomeNetworkTraffic({ seed: 1, count: 1500, kind: 'flow' });
    const test = injectAttacks(generateHomeNetworkTraffic({ seed: 2, count: 600, kind: 'flow' }), { seed: 3, rate: 0.05 });
    const result = await evaluateSet(
      { name: 'sample', kind: 'flow', train, test: test.records, notes: [], testSources: test.records.map((r) => (r.label === 'normal' ? 'benign' : String(r.label))) },
      {
        registry: createDefaultRegistry(),
        seed: 7,
        contamination: 0.02,
        detectors: [{ name: 'hbos' }, { name: 'isolation-forest', params: { nEstimators: 50 } }],
        profile: () => [{ name: 'hbos' }, { name: 'isolation-forest', params: { nEstimators: 50 } }],
      },
    );
    expect(result.rows.map((r) => [r.name, r.role])).toEqual([
      ['hbos', 'detector'],
      ['isolation-forest(nEstimators=50)', 'detector'],
      ['profile: hbos + isolation-forest(nEstimators=50)', 'profile'],
      ['seed baseline (IF, contamination 0.1)', 'baseline'],
    ]);
    const [hbos, forest, profile] = result.rows.map((r) => r.metrics);
    // Any detector over its threshold flags: the profile alerts at least as often as each of its detectors.
    expect(profile.recall).toBeGreaterThanOrEqual(Math.max(hbos.recall, forest.recall));
    expect(profile.falsePositiveRate).toBeGreaterThanOrEqual(Math.max(hbos.falsePositiveRate, forest.falsePositiveRate));
    expect(profile.rocAuc).toBeGreaterThan(0.8);
    expect(Object.keys(result.rows[0].recallBySource ?? {}).sort()).toEqual(['bruteforce', 'dns-tunnel', 'exfiltration', 'portscan', 'synflood']);
    expect(result.testAttacks).toBe(test.labels.reduce((n, y) => n + y, 0));
    expect(result.curves).toHaveLength(4);
  });
});
