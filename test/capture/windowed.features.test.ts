import { featureNames, WindowedFeatures } from '../../src/capture';

/** Feeds packets and returns the features as of the last one. */
function feed(features: WindowedFeatures, packets: [t: number, src: string, dst: string, dstPort: number, size: number][]): Record<string, number> {
  for (const [t, src, dst, dstPort, size] of packets) features.update(t, src, dst, 40000, dstPort, size);
  return features.attributes();
}

function steady(src: string, count: number, gapMs: number, size: (i: number) => number, dstPort = 443): [number, string, string, number, number][] {
  return Array.from({ length: count }, (_, i) => [i * gapMs, src, '10.0.0.1', dstPort, size(i)]);
}

describe('windowed features', () => {
  it('names 52 columns per default: scope, metric, window', () => {
    const names = new WindowedFeatures().names;
    expect(names).toHaveLength(52);
    expect(names.slice(0, 4)).toEqual(['host_rate_100ms', 'host_rate_1s', 'host_rate_10s', 'host_rate_1m']);
    expect(names).toEqual(expect.arrayContaining(['host_size_mean_10s', 'host_fanout_ports_10s', 'host_fanout_hosts_1m', 'host_gap_std_1s', 'pair_rate_1s', 'socket_size_std_1m']));
    expect(featureNames([250, 2_000])).toContain('pair_size_mean_250ms');
  });

  it('rejects window half-lives that are not distinct positive numbers', () => {
    for (const halfLivesMs of [[], [0], [-5], [1000, 1000]]) {
      expect(() => new WindowedFeatures({ halfLivesMs })).toThrow(expect.objectContaining({ code: 'INVALID_FEATURE_SPEC' }));
    }
  });

  it('measures rate, size and inter-arrival of a steady stream', () => {
    const attributes = feed(new WindowedFeatures(), steady('192.168.1.5', 1200, 100, () => 100));
    expect(attributes.host_rate_10s).toBeCloseTo(10, 0);
    expect(attributes.host_rate_1s).toBeGreaterThan(9.5);
    expect(attributes.host_rate_1s).toBeLessThan(11);
    expect(attributes.host_size_mean_10s).toBeCloseTo(100, 6);
    expect(attributes.host_size_std_10s).toBeCloseTo(0, 3);
    expect(attributes.host_gap_mean_10s).toBeCloseTo(0.1, 6);
    expect(attributes.host_gap_std_10s).toBeCloseTo(0, 3);
    expect(attributes.pair_rate_10s).toBeCloseTo(10, 0);
    expect(attributes.socket_size_mean_1m).toBeCloseTo(100, 6);
  });

  it('gives the spread of alternating sizes', () => {
    const attributes = feed(new WindowedFeatures(), steady('192.168.1.5', 2000, 50, (i) => (i % 2 ? 300 : 100)));
    expect(attributes.host_size_mean_1m).toBeCloseTo(200, 0);
    expect(attributes.host_size_std_1m).toBeCloseTo(100, 0);
  });

  it('raises a port scanner’s fan-out far above a normal host’s', () => {
    const features = new WindowedFeatures();
    const scanner = '192.168.1.66';
    const normal = '192.168.1.20';
    const packets: [number, string, string, number, number][] = [];
    for (let i = 0; i < 300; i++) {
      packets.push([i * 5, scanner, '192.168.1.1', 1 + i, 40]);
      packets.push([i * 5 + 1, normal, '93.184.216.34', i % 3 === 0 ? 53 : 443, 500]);
    }
    feed(features, packets);
    const scannerFeatures = feed(features, [[1500, scanner, '192.168.1.1', 301, 40]]);
    const normalFeatures = feed(features, [[1501, normal, '93.184.216.34', 443, 500]]);
    expect(scannerFeatures.host_fanout_ports_10s).toBeGreaterThan(100);
    expect(normalFeatures.host_fanout_ports_10s).toBeLessThanOrEqual(2.01);
    expect(scannerFeatures.host_fanout_ports_10s).toBeGreaterThan(50 * normalFeatures.host_fanout_ports_10s);
    expect(normalFeatures.host_fanout_hosts_10s).toBeCloseTo(1, 6);
  });

  it('counts distinct destination hosts of a host sweep', () => {
    const sweep = Array.from({ length: 60 }, (_, i): [number, string, string, number, number] => [i * 10, '192.168.1.66', `192.168.1.${100 + i}`, 445, 60]);
    expect(feed(new WindowedFeatures(), sweep).host_fanout_hosts_1m).toBeGreaterThan(55);
  });

  it('lets short windows forget while long ones remember', () => {
    const features = new WindowedFeatures();
    feed(features, Array.from({ length: 50 }, (_, i): [number, string, string, number, number] => [i, '10.1.1.1', '10.2.2.2', 1000 + i, 60]));
    const later = feed(features, [[30_050, '10.1.1.1', '10.2.2.2', 80, 60]]);
    expect(later.host_fanout_ports_1s).toBeCloseTo(1, 6);
    expect(later.host_fanout_ports_1m).toBeGreaterThan(30);
    expect(later.host_rate_100ms).toBeLessThan(10);
    expect(later.host_gap_mean_100ms).toBeCloseTo(30.001, 3);
  });

  it('caps its tables and counts what it forgot', () => {
    const features = new WindowedFeatures({ maxHosts: 10, maxPairs: 20, maxSockets: 30, maxDistinctPerHost: 16 });
    const packets = Array.from({ length: 100 }, (_, i): [number, string, string, number, number] => [i, `10.0.0.${i % 50}`, `10.1.0.${i}`, i, 60]);
    feed(features, packets);
    expect(features.stats).toEqual({ hosts: 10, pairs: 20, sockets: 30, evictedHosts: 90, evictedPairs: 80, evictedSockets: 70 });
    const scan = Array.from({ length: 100 }, (_, i): [number, string, string, number, number] => [200 + i, '10.9.9.9', '10.1.1.1', i, 60]);
    expect(feed(features, scan).host_fanout_ports_1m).toBeLessThanOrEqual(16);
  });

  it('stays finite when timestamps go backwards', () => {
    const attributes = feed(new WindowedFeatures(), [[1000, 'a', 'b', 1, 10], [900, 'a', 'b', 2, 20], [950, 'a', 'c', 1, 30]]);
    for (const value of Object.values(attributes)) {
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
    }
  });

  it('keeps a host that keeps talking through a flood of one-packet spoofed sources', () => {
    const features = new WindowedFeatures({ maxHosts: 50 });
    for (let i = 0; i < 20; i++) features.update(i, '192.168.1.5', '10.0.0.1', 40000, 443, 100);
    // 500 sources seen once each: ten times the table, all on probation, so they push out each other.
    for (let i = 0; i < 500; i++) features.update(100 + i, `198.51.${i >> 8}.${i & 255}`, '10.0.0.1', 1000, 80, 60);
    expect(features.stats.evictedHosts).toBeGreaterThan(400);
    const after = feed(features, [[700, '192.168.1.5', '10.0.0.1', 443, 100]]);
    expect(after.host_rate_1m).toBeGreaterThan(20 * (Math.LN2 / 60) * 0.9);
  });
});
