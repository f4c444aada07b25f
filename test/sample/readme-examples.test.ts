import { fitFeatureSpec } from '../../src/features/feature-spec.builder';
import { FeatureEncoder } from '../../src/features/feature.encoder';
import { generateHomeNetworkTraffic } from '../../src/sample/home-network.generator';
import { MiniIsolationForest } from './helpers/isolation-forest';
import { MiniKnnDistance } from './helpers/knn-distance';

/**
 * The seed tool's README examples against detectors trained on the default
 * profile's sample (seed 42, 20,000 packets). This guards the sample data and
 * the encoding; the project's real detectors are tested elsewhere.
 */
const NORMAL = { srcIp: '192.168.0.1', destIp: '192.168.0.2', srcPort: 1234, destPort: 80, protocol: 'TCP', packetSize: 100 };
const ATTACK = { srcIp: '203.0.113.66', destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };

/** Share of training scores below `v`. */
const percentile = (scores: Float64Array, v: number) => scores.filter((s) => s < v).length / scores.length;

describe('README examples on the default sample', () => {
  const records = generateHomeNetworkTraffic({ seed: 42, count: 20_000 });
  const encoder = new FeatureEncoder(fitFeatureSpec('packet', records));
  const X = encoder.transform(records);
  const examples = encoder.transform([NORMAL, ATTACK]);

  it('isolation forest: the normal example is ordinary, the attack well above it', () => {
    const forest = new MiniIsolationForest();
    forest.fit(X, 42);
    const training = forest.score(X);
    const [normal, attack] = forest.score(examples);
    expect(percentile(training, normal)).toBeLessThan(0.9);
    // Isolation trees split inside the training range, so a 65,000-byte packet is isolated no faster
    // than a 1,500-byte one; the attack stands out through its ports and direction only.
    expect(percentile(training, attack)).toBeGreaterThan(0.8);
    expect(attack).toBeGreaterThan(normal);
  });

  it('k-NN distance: the normal example sits among training rows, the attack beyond all of them', () => {
    const sample = encoder.transform(records.filter((_, i) => i % 5 === 0));
    const knn = new MiniKnnDistance(5);
    knn.fit(sample);
    const training = knn.score(sample, true);
    const [normal, attack] = knn.score(examples);
    expect(percentile(training, normal)).toBeLessThan(0.99);
    expect(attack).toBeGreaterThan(Math.max(...training));
  });
});
