import { RecordColumns } from '../../src/records/record-columns';
import type { TrafficRecord } from '../../src/records/traffic-record';

const RECORDS: TrafficRecord[] = [
  { timestamp: 1000, srcIp: '10.0.0.1', destPort: 443, protocol: 'TCP', attributes: { bytes: 10, proto: 'tcp' }, label: 'normal' },
  { srcIp: '10.0.0.2', attributes: { proto: 'udp', bytes: 'n/a' } },
  { timestamp: 3000, attributes: {} },
  { timestamp: 4000, packetSize: 60, attributes: { late: 1.5 }, label: 'attack' },
];

describe('RecordColumns', () => {
  it('gives back the records it was made of: absent values absent, numbers and strings mixed in a column', () => {
    const batch = RecordColumns.fromRecords(RECORDS);
    expect(batch.rows).toBe(4);
    expect(batch.toRecords()).toEqual(RECORDS);
    expect(batch.toRecords({ attributes: false })).toEqual(RECORDS.map(({ attributes: _, ...fields }) => fields));
    expect(batch.hasFeatureFields()).toBe(true);
    expect(RecordColumns.fromRecords([{ timestamp: 1, label: 'x', attributes: { a: 1 } }]).hasFeatureFields()).toBe(false);
  });

  it('refuses values a column cannot hold', () => {
    expect(() => RecordColumns.fromRecords([{ srcIp: { nested: true } } as unknown as TrafficRecord])).toThrow(/srcIp/);
  });

  it('writes rows cell by cell, grows past its capacity, and blanks a discarded row', () => {
    const batch = new RecordColumns(2);
    const n = batch.attribute('n');
    const s = batch.attribute('s');
    for (let i = 0; i < 5; i++) {
      batch.setNumber(n, i);
      batch.setString(s, `v${i % 2}`);
      if (i === 2) batch.discardRow();
      else batch.endRow();
    }
    expect(batch.toRecords().map((r) => r.attributes)).toEqual([
      { n: 0, s: 'v0' },
      { n: 1, s: 'v1' },
      { n: 3, s: 'v1' },
      { n: 4, s: 'v0' },
    ]);
    expect(batch.find('s', true)?.dict).toEqual(['v0', 'v1']);
  });

  it('copies rows from other batches, appending or replacing a whole row', () => {
    const a = RecordColumns.fromRecords(RECORDS);
    const b = RecordColumns.fromRecords([{ destIp: '192.168.1.1', attributes: { proto: 'icmp' } }]);
    const sample = new RecordColumns(1);
    sample.copyRow(a, 0);
    sample.copyRow(a, 3);
    sample.copyRow(b, 0, 0);
    sample.copyRow(a, 1);
    expect(sample.toRecords()).toEqual([{ destIp: '192.168.1.1', attributes: { proto: 'icmp' } }, RECORDS[3], RECORDS[1]]);
  });

  it('slices, filters and concatenates, remapping string codes', () => {
    const a = RecordColumns.fromRecords(RECORDS.slice(0, 2));
    const b = RecordColumns.fromRecords(RECORDS.slice(2));
    const all = RecordColumns.concat([a, b]);
    expect(all.toRecords()).toEqual(RECORDS);
    expect(all.slice(1, 3).toRecords()).toEqual(RECORDS.slice(1, 3));
    expect(all.filter((i) => i % 2 === 1).toRecords()).toEqual([RECORDS[1], RECORDS[3]]);
  });
});
