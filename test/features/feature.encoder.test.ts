import { fitFeatureSpec } from '../../src/features/feature-spec.builder';
import { FeatureEncoder } from '../../src/features/feature.encoder';
import type { TrafficRecord } from '../../src/records/traffic-record';
import { generateHomeNetworkTraffic } from '../../src/sample/home-network.generator';

const keysOf = (records: TrafficRecord[], kind: 'packet' | 'flow' | 'tabular') =>
  fitFeatureSpec(kind, records).features.map((f) => f.key);

describe('feature selection by profile kind', () => {
  it('packet: addresses, ports, protocol, size, and numeric attributes', () => {
    const records = generateHomeNetworkTraffic({ seed: 1, count: 2000 }).map((r, i) => ({
      ...r,
      attributes: { hostPacketsPerSecond: i % 13, note: 'text is not a packet feature' },
    }));
    expect(keysOf(records, 'packet')).toEqual([
      'srcIp',
      'destIp',
      'srcPort',
      'destPort',
      'serviceSide',
      'protocol',
      'packetSize',
      'attr.hostPacketsPerSecond',
    ]);
  });

  it('packet: TCP flags only when training has them; flow counters are ignored', () => {
    const records: TrafficRecord[] = [
      { protocol: 'TCP', packetSize: 60, tcpFlags: 'S', bytesOut: 5 },
      { protocol: 'TCP', packetSize: 52, tcpFlags: 'A', bytesOut: 7 },
    ];
    expect(keysOf(records, 'packet')).toEqual(['protocol', 'tcpFlags', 'packetSize']);
  });

  it('flow: adds duration, byte and packet counters, state, service and derived ratios', () => {
    const keys = keysOf(generateHomeNetworkTraffic({ seed: 1, count: 2000, kind: 'flow' }), 'flow');
    expect(keys).toEqual([
      'srcIp',
      'destIp',
      'srcPort',
      'destPort',
      'serviceSide',
      'protocol',
      'connState',
      'service',
      'duration',
      'bytesOut',
      'bytesIn',
      'packetsOut',
      'packetsIn',
      'derived.bytesPerPacketOut',
      'derived.bytesPerPacketIn',
      'derived.inOutByteRatio',
    ]);
  });

  it('tabular: every attribute column, numbers scaled and strings one-hot, in file order', () => {
    const rows: TrafficRecord[] = Array.from({ length: 300 }, (_, i) => ({
      attributes: { duration: i % 17, protocol_type: ['tcp', 'udp', 'icmp'][i % 3], src_bytes: (i * 37) % 1000, flag: i % 2 ? 'SF' : 'S0' },
      label: i % 10 ? 'normal' : 'neptune',
    }));
    const spec = fitFeatureSpec('tabular', rows);
    expect(spec.features.map((f) => `${f.key}:${f.type}`)).toEqual([
      'attr.duration:numeric',
      'attr.protocol_type:categorical',
      'attr.src_bytes:numeric',
      'attr.flag:categorical',
    ]);
    const encoder = new FeatureEncoder(spec);
    const row = encoder.transformRecord({ attributes: { duration: 3, protocol_type: 'udp', src_bytes: 10, flag: 'REJ' } });
    const lit = encoder.names.filter((n, i) => n.includes('=') || n.includes(':') ? row[i] === 1 : false);
    expect(lit).toEqual(['attr.protocol_type=udp', 'attr.flag:unseen']);
  });

  it('tabular: a numeric column with the odd placeholder stays numeric, the placeholder counting as missing', () => {
    const rows: TrafficRecord[] = Array.from({ length: 100 }, (_, i) => ({ attributes: { rate: i % 20 === 0 ? '?' : i / 100 } }));
    const spec = fitFeatureSpec('tabular', rows);
    expect(spec.features).toHaveLength(1);
    expect(spec.features[0]).toMatchObject({ type: 'numeric', missing: 5, missingIndicator: true });
  });

  it('tabular: a mostly-string column keeps its numbers as categories of their own', () => {
    const rows: TrafficRecord[] = Array.from({ length: 200 }, (_, i) => ({ attributes: { service: i % 4 === 0 ? 80 : i % 2 ? 'http' : 'dns' } }));
    const spec = fitFeatureSpec('tabular', rows);
    expect(spec.features[0]).toMatchObject({ type: 'categorical', categories: ['http', '80', 'dns'], counts: [100, 50, 50], missing: 0 });
    const encoder = new FeatureEncoder(spec);
    const lit = (service: string | number) => {
      const row = encoder.transformRecord({ attributes: { service } });
      return encoder.names.filter((_, i) => row[i] === 1);
    };
    expect(lit(80)).toEqual(['attr.service=80']);
    expect(lit('80')).toEqual(['attr.service=80']);
    expect(lit(443)).toEqual(['attr.service:unseen']);
  });

  it('never uses the label, neither the field nor a label-like attribute', () => {
    const rows: TrafficRecord[] = Array.from({ length: 50 }, (_, i) => ({
      attributes: { x: i, label: i % 2 ? 'attack' : 'normal', Class: i % 2 },
      label: i % 2 ? 'attack' : 'normal',
    }));
    const names = new FeatureEncoder(fitFeatureSpec('tabular', rows)).names;
    expect(names).toEqual(['attr.x']);
    expect(names.join(' ')).not.toMatch(/label|class|attack|normal/i);
  });

  it('does not crash on records missing optional fields', () => {
    const spec = fitFeatureSpec('flow', generateHomeNetworkTraffic({ seed: 2, count: 500, kind: 'flow' }));
    const X = new FeatureEncoder(spec).transform([{}, { protocol: 'TCP' }, { attributes: {} }, { bytesOut: 5, packetsOut: 0 }]);
    expect(X.rows).toBe(4);
    expect(X.data.every((v) => Number.isFinite(v))).toBe(true);
  });
});

describe('FeatureEncoder', () => {
  const records = generateHomeNetworkTraffic({ seed: 5, count: 3000 });
  const encoder = new FeatureEncoder(fitFeatureSpec('packet', records));

  it('writes one row per record, equal to transformRecord', () => {
    const X = encoder.transform(records);
    expect(X.rows).toBe(records.length);
    expect(X.cols).toBe(encoder.names.length);
    for (const i of [0, 1, 1234, 2999]) {
      expect(Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols))).toEqual(Array.from(encoder.transformRecord(records[i])));
    }
  });

  it('has unique column names', () => {
    expect(new Set(encoder.names).size).toBe(encoder.names.length);
  });

  it('returns an empty matrix for no records', () => {
    const X = encoder.transform([]);
    expect(X.rows).toBe(0);
    expect(X.data).toHaveLength(0);
  });
});
