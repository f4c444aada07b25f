import { FeatureSpecBuilder, fitFeatureSpec } from '../../src/features/feature-spec.builder';
import { FeatureEncoder } from '../../src/features/feature.encoder';
import { RecordColumns } from '../../src/records/record-columns';
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

  it('tabular: every attribute column in file order, numbers scaled, strings and their pairs by rarity', () => {
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
      'pair.protocol_type+flag:categoricalPair',
    ]);
    const encoder = new FeatureEncoder(spec);
    expect(encoder.names).toEqual(['attr.duration', 'attr.protocol_type:rarity', 'attr.src_bytes', 'attr.flag:rarity', 'pair.protocol_type+flag:rarity']);
    const cells = (attributes: Record<string, number | string>) => Array.from(encoder.transformRecord({ attributes })).slice(1);
    // udp is a third of the rows, S0 a half, tcp with S0 a sixth; REJ and udp with REJ were never seen: the same, largest surprise.
    const [udp, , unseenFlag, unseenPair] = cells({ duration: 3, protocol_type: 'udp', src_bytes: 10, flag: 'REJ' });
    const [tcp, , s0, tcpS0] = cells({ duration: 3, protocol_type: 'tcp', src_bytes: 10, flag: 'S0' });
    expect(udp).toBeCloseTo(tcp, 12);
    expect(s0).toBeLessThan(udp);
    expect(tcpS0).toBeGreaterThan(udp);
    expect(unseenFlag).toBeGreaterThan(tcpS0);
    expect(unseenPair).toBe(unseenFlag);
  });

  it('tabular: pairs of categorical attributes count how often the two values came together', () => {
    const rows: TrafficRecord[] = Array.from({ length: 400 }, (_, i) => ({
      attributes: { service: i % 2 ? 'http' : 'smtp', protocol: i % 2 ? 'tcp' : i % 4 ? 'tcp' : 'udp', bytes: i },
    }));
    const spec = fitFeatureSpec('tabular', rows);
    const pair = spec.features.find((f) => f.type === 'categoricalPair');
    expect(pair).toMatchObject({ source: { from: 'pair', names: ['service', 'protocol'] }, count: 400, missing: 0 });
    expect(pair).toMatchObject({ pairs: [['http', 'tcp'], ['smtp', 'tcp'], ['smtp', 'udp']], counts: [200, 100, 100] });
    const encoder = new FeatureEncoder(spec);
    const pairCell = (service: string, protocol: string) => encoder.transformRecord({ attributes: { service, protocol, bytes: 1 } })[encoder.cols - 1];
    // http and udp are each common; together they never were.
    expect(pairCell('http', 'udp')).toBeGreaterThan(pairCell('smtp', 'udp'));
    expect(pairCell('smtp', 'udp')).toBeGreaterThan(pairCell('http', 'tcp'));
  });

  it('tabular: column batches encode rarity and pairs exactly as records do', () => {
    const rows: TrafficRecord[] = Array.from({ length: 120 }, (_, i) => ({
      attributes: { a: ['x', 'y', 'z'][i % 3], n: i % 7, b: i % 5 === 0 ? 'rare' : 'usual', ...(i % 11 === 0 ? {} : { c: i % 2 ? 'p' : 'q' }) },
    }));
    const builder = new FeatureSpecBuilder('tabular');
    builder.addColumns(RecordColumns.fromRecords(rows));
    const spec = builder.build();
    expect(spec).toEqual(fitFeatureSpec('tabular', rows));
    const encoder = new FeatureEncoder(spec);
    const probe: TrafficRecord[] = [...rows.slice(0, 30), { attributes: { a: 'new', n: 3, b: 'usual' } }, { attributes: { n: 1 } }];
    expect(encoder.transformColumns(RecordColumns.fromRecords(probe))).toEqual(encoder.transform(probe));
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
    const cell = (service: string | number) => encoder.transformRecord({ attributes: { service } })[0];
    expect(cell(80)).toBe(cell('80'));
    expect(cell(80)).toBe(cell('dns'));
    expect(cell(80)).toBeGreaterThan(cell('http'));
    expect(cell(443)).toBeGreaterThan(cell(80));
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
