import { createDefaultRegistry } from '../../src/detectors/builtin';
import { FeatureEncoder, fitFeatureSpec } from '../../src/features';
import { generateHomeNetworkTraffic } from '../../src/sample/home-network.generator';

/**
 * The seed tool's README examples against the real detectors trained on the
 * default profile's sample (seed 42, 20,000 packets): guards the sample data
 * and the encoding below the server-level tests.
 */
const NORMAL = { srcIp: '192.168.0.1', destIp: '192.168.0.2', srcPort: 1234, destPort: 80, protocol: 'TCP', packetSize: 100 };
const ATTACK = { srcIp: '203.0.113.66', destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };

/** Share of training scores below `v`. */
const percentile = (scores: Float64Array, v: number) => scores.filter((s) => s < v).length / scores.length;

describe('README examples on the default sample', () => {
  const registry = createDefaultRegistry();
  const records = generateHomeNetworkTraffic({ seed: 42, count: 20_000 });
  const encoder = new FeatureEncoder(fitFeatureSpec('packet', records));
  const X = encoder.transform(records);
  const examples = encoder.transform([NORMAL, ATTACK]);

  it('isolation forest: the normal example is ordinary, the attack well above it', () => {
    const forest = registry.create('isolation-forest');
    forest.fit(X, { seed: 42 });
    const training = forest.score(X);
    const [normal, attack] = forest.score(examples);
    expect(percentile(training, normal)).toBeLessThan(0.9);
    // Isolation trees split inside the training range, so a 65,000-byte packet is isolated no faster
    // than a 1,500-byte one; the attack stands out through its ports and direction only.
    expect(percentile(training, attack)).toBeGreaterThan(0.8);
    expect(attack).toBeGreaterThan(normal);
  });

  it('k-NN distance: the normal example sits among training rows, the attack beyond all of them', () => {
    const knn = registry.create('knn-distance');
    knn.fit(X, { seed: 42 });
    const training = knn.score(X);
    const [normal, attack] = knn.score(examples);
    expect(percentile(training, normal)).toBeLessThan(0.99);
    expect(attack).toBeGreaterThan(Math.max(...training));
  });
});
