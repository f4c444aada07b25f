import { fitFeatureSpec } from '../../src/features/feature-spec.builder';
import { FeatureEncoder } from '../../src/features/feature.encoder';
import { explain } from '../../src/features/feature.explainer';
import type { TrafficRecord } from '../../src/records/traffic-record';
import { generateHomeNetworkTraffic } from '../../src/sample/home-network.generator';
import { isAppError } from '../../src/errors/app-error';

describe('explain', () => {
  const records = generateHomeNetworkTraffic({ seed: 3, count: 10_000 });
  const spec = fitFeatureSpec('packet', records);
  const encoder = new FeatureEncoder(spec);
  const usual: TrafficRecord = { srcIp: '192.168.0.10', destIp: '142.250.1.1', srcPort: 51000, destPort: 443, protocol: 'TCP', packetSize: 52 };
  const why = (r: TrafficRecord, contributions?: Float64Array) => explain(spec, r, encoder.transformRecord(r), contributions);

  it('names a never-seen destination port', () => {
    const [top] = why({ ...usual, destPort: 23 });
    expect(top.feature).toBe('destination port');
    expect(top.value).toBe('23');
    expect(top.message).toMatch(/^destination port 23 was never seen in training \(typical: 443[,)]/);
  });

  it('names an outsized packet with its typical range', () => {
    const [top] = why({ ...usual, packetSize: 65000 });
    expect(top.feature).toBe('packet size');
    expect(top.message).toMatch(/^packet size 65000 bytes is above anything seen in training \(max 1500\); typical \d+ \(IQR \d+–\d+\)$/);
    expect(top.typical).toMatch(/IQR/);
  });

  it('names an unseen protocol', () => {
    const [top] = why({ ...usual, protocol: 'GRE', srcPort: undefined, destPort: undefined });
    expect(top.feature).toBe('protocol');
    expect(top.message).toMatch(/^protocol GRE was never seen in training/);
  });

  it('describes addresses by their class and training share', () => {
    const explanations = explain(spec, { ...usual, srcIp: '203.0.113.66' }, encoder.transformRecord(usual), undefined, 20);
    const src = explanations.find((e) => e.feature === 'source address')!;
    expect(src.message).toMatch(/^source address 203\.0\.113\.66 is external; in training \d+(\.\d+)?% of sources were external$/);
  });

  it('ranks the README attack by its size and ports, with readable messages', () => {
    const attack = { srcIp: '203.0.113.66', destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };
    const result = why(attack);
    expect(result).toHaveLength(3);
    expect(result.reduce((sum, e) => sum + e.weight, 0)).toBeCloseTo(1);
    expect(result[0].feature).toBe('packet size');
    for (const e of result.slice(1)) expect(e.feature).toMatch(/port/);
    for (const e of result) {
      expect(e.weight).toBeGreaterThan(0);
      expect(e.typical.length).toBeGreaterThan(0);
    }
  });

  it('groups detector contributions back to the raw field', () => {
    const contributions = new Float64Array(encoder.names.length);
    encoder.names.forEach((n, i) => {
      if (n.startsWith('protocol')) contributions[i] = 0.25;
    });
    contributions[encoder.names.indexOf('packetSize')] = 0.25;
    const [top, second, third] = why(usual, contributions);
    expect(top.feature).toBe('protocol');
    const protocolColumns = encoder.names.filter((n) => n.startsWith('protocol')).length;
    expect(top.weight).toBeCloseTo(protocolColumns / (protocolColumns + 1));
    expect(second).toMatchObject({ feature: 'packet size', weight: expect.closeTo(1 / (protocolColumns + 1)) });
    expect(third.weight).toBe(0);
  });

  it('ranks unseen above rare above common', () => {
    // Alone in the list, each protocol's weight would be 1; rank them against one fixed other field instead.
    const share = (protocol: string) => {
      const r = { ...usual, protocol };
      const list = explain(spec, r, encoder.transformRecord(r), undefined, 50);
      const of = (f: string) => list.find((e) => e.feature === f)!.weight;
      return of('protocol') / of('source address');
    };
    expect(share('GRE')).toBeGreaterThan(share('ICMP'));
    expect(share('ICMP')).toBeGreaterThan(share('TCP'));
  });

  it('explains a missing value', () => {
    const explanations = explain(spec, { protocol: 'TCP' }, encoder.transformRecord({ protocol: 'TCP' }), undefined, 50);
    expect(explanations.find((e) => e.feature === 'packet size')!.message).toMatch(/^packet size is missing/);
  });

  it('refuses rows and contributions of the wrong width', () => {
    let code: string | undefined;
    try {
      explain(spec, usual, new Float64Array(3));
    } catch (err) {
      code = isAppError(err) ? err.code : undefined;
    }
    expect(code).toBe('DIMENSION_MISMATCH');
    expect(() => why(usual, new Float64Array(1))).toThrow(/contributions/);
  });

  it('explains tabular attributes by their column name', () => {
    const rows: TrafficRecord[] = Array.from({ length: 500 }, (_, i) => ({ attributes: { src_bytes: 200 + (i % 50), service: i % 2 ? 'http' : 'smtp' } }));
    const tabSpec = fitFeatureSpec('tabular', rows);
    const tabEncoder = new FeatureEncoder(tabSpec);
    const odd = { attributes: { src_bytes: 5_000_000, service: 'http' } };
    const [top] = explain(tabSpec, odd, tabEncoder.transformRecord(odd));
    expect(top.feature).toBe('src_bytes');
    expect(top.message).toMatch(/^src_bytes 5000000 is above anything seen in training/);
  });

  it('names a pair of tabular values that is rare only together', () => {
    const rows: TrafficRecord[] = Array.from({ length: 600 }, (_, i) => ({
      attributes: { service: i % 2 ? 'http' : 'smtp', flag: i % 4 < 2 ? 'SF' : i % 2 ? 'SF' : 'REJ', bytes: 300 + (i % 40) },
    }));
    const tabSpec = fitFeatureSpec('tabular', rows);
    const tabEncoder = new FeatureEncoder(tabSpec);
    // http always came with SF, REJ only with smtp: each value is common, the pair never happened.
    const odd = { attributes: { service: 'http', flag: 'REJ', bytes: 320 } };
    const [top] = explain(tabSpec, odd, tabEncoder.transformRecord(odd));
    expect(top.feature).toBe('service + flag');
    expect(top.value).toBe('http, REJ');
    expect(top.message).toMatch(/^service http with flag REJ: this pair was never or almost never seen in training \(typical: http with SF, /);
    const usualPair = explain(tabSpec, rows[1], tabEncoder.transformRecord(rows[1]), undefined, 10).find((e) => e.feature === 'service + flag')!;
    expect(usualPair.message).toBe('service http with flag SF is common (50% of training)');
  });
});
