import { FeatureEncoder, FeatureSpecBuilder } from '../../src/features';
import { RecordColumns } from '../../src/records/record-columns';
import type { RecordKind, TrafficRecord } from '../../src/records/traffic-record';
import { generateHomeNetworkTraffic } from '../../src/sample/home-network.generator';

/** Flows carrying attributes of every shape: numeric, string, mixed, sparse, appearing late. */
function withAttributes(kind: RecordKind): TrafficRecord[] {
  return generateHomeNetworkTraffic({ seed: 5, count: 3000, kind: 'flow' }).map((r, i) => {
    const attributes: Record<string, number | string> = {};
    if (i % 3 !== 0) attributes.sparse = i % 11;
    attributes.wave = Math.sin(i) * 100;
    attributes.mixed = i % 7 === 0 ? `x${i % 3}` : i % 5;
    if (i > 100) attributes.late = i % 13 === 0 ? 'rare' : 'common';
    attributes.proto = ['tcp', 'udp', 'icmp'][i % 3];
    return kind === 'tabular' ? { timestamp: r.timestamp, attributes, label: i % 9 ? 'normal' : 'attack' } : { ...r, attributes };
  });
}

describe('column batches through the feature pipeline', () => {
  it.each(['tabular', 'flow', 'packet'] as const)('%s: the same spec and matrix as the records, in any chunking', (kind) => {
    const records = kind === 'packet' ? generateHomeNetworkTraffic({ seed: 2, count: 3000, kind: 'packet' }) : withAttributes(kind);
    const byRecords = new FeatureSpecBuilder(kind, { seed: 9, reservoirSize: 500 });
    byRecords.add(records);
    const byColumns = new FeatureSpecBuilder(kind, { seed: 9, reservoirSize: 500 });
    for (let i = 0; i < records.length; i += 700) byColumns.addColumns(RecordColumns.fromRecords(records.slice(i, i + 700)));
    const spec = byRecords.build();
    expect(byColumns.build()).toEqual(spec);

    const encoder = new FeatureEncoder(spec);
    const expected = encoder.transform(records);
    const actual = encoder.transformColumns(RecordColumns.fromRecords(records));
    expect(actual.cols).toBe(expected.cols);
    expect(Buffer.compare(Buffer.from(actual.data.buffer), Buffer.from(expected.data.buffer))).toBe(0);
  });

  it('a batch without an attribute column the spec has encodes it as missing', () => {
    const spec = new FeatureSpecBuilder('tabular');
    spec.add([{ attributes: { n: 1, s: 'a' } }, { attributes: { s: 'b' } }, { attributes: { n: 3, s: 'a' } }]);
    const encoder = new FeatureEncoder(spec.build());
    const empty = RecordColumns.fromRecords([{ timestamp: 1 }, { timestamp: 2 }]);
    expect(Array.from(encoder.transformColumns(empty).data)).toEqual(Array.from(encoder.transform([{ timestamp: 1 }, { timestamp: 2 }]).data));
  });
});
