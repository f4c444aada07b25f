import { inspect } from 'node:util';
import { fitFeatureSpec } from '../../src/features/feature-spec.builder';
import { FeatureEncoder } from '../../src/features/feature.encoder';
import { AttributeLayout, attributeRowOf } from '../../src/records/attribute-row';
import { RecordColumns } from '../../src/records/record-columns';
import type { TrafficRecord } from '../../src/records/traffic-record';

const NAMES = ['rate', 'size', 'gap'];

/** What the layout's attributes must read as: Object.assign(named values, own), then the set `last` ones. */
function plain(values: number[], own?: Record<string, number | string>, last?: Record<string, number>): Record<string, number | string> {
  const object: Record<string, number | string> = Object.fromEntries(NAMES.map((n, i) => [n, values[i]]));
  Object.assign(object, own);
  for (const [k, v] of Object.entries(last ?? {})) if (!Number.isNaN(v)) object[k] = v;
  return object;
}

describe('AttributeLayout', () => {
  it('hands out attributes that read, list and serialize as the plain object, own attributes after the named values', () => {
    const layout = new AttributeLayout(NAMES);
    const attrs = layout.attributes(Float64Array.of(1.5, 2, 0), { orig_ip_bytes: 40, tag: 'x' });
    const expected = plain([1.5, 2, 0], { orig_ip_bytes: 40, tag: 'x' });
    expect(attributeRowOf(attrs)).toBeDefined();
    expect(Object.keys(attrs)).toEqual(Object.keys(expected));
    expect(JSON.stringify(attrs)).toBe(JSON.stringify(expected));
    expect({ ...attrs }).toEqual(expected);
    expect(attrs).toEqual(expected);
    expect('size' in attrs && !('nope' in attrs)).toBe(true);
    expect(attrs.rate).toBe(1.5);
    expect(inspect(attrs)).toBe(inspect(expected));
  });

  it('copies the values it is given, rows past a block included', () => {
    const layout = new AttributeLayout(NAMES);
    const values = new Float64Array(3);
    const handed = Array.from({ length: 1100 }, (_, i) => {
      values.set([i, i + 0.5, -i]);
      return layout.attributes(values, undefined);
    });
    values.fill(NaN);
    handed.forEach((attrs, i) => expect(attrs).toEqual(plain([i, i + 0.5, -i])));
  });

  it('lets own attributes win on a name clash, and `last` ones win over both when set', () => {
    const layout = new AttributeLayout(NAMES, ['pkt_rate']);
    const clash = layout.attributes(Float64Array.of(1, 2, 3, 9), { size: 7, b: 1 });
    expect(Object.entries(clash)).toEqual([['rate', 1], ['size', 7], ['gap', 3], ['b', 1], ['pkt_rate', 9]]);
    const unset = layout.attributes(Float64Array.of(1, 2, 3, NaN), { b: 1 });
    expect(Object.entries(unset)).toEqual([['rate', 1], ['size', 2], ['gap', 3], ['b', 1]]);
    const set = layout.attributes(Float64Array.of(1, 2, 3, 0.25), undefined);
    expect(set).toEqual(plain([1, 2, 3], undefined, { pkt_rate: 0.25 }));
  });

  it('becomes the plain object once changed: the row is then no longer read', () => {
    const layout = new AttributeLayout(NAMES);
    const attrs = layout.attributes(Float64Array.of(1, 2, 3), undefined);
    attrs.extra = 'e';
    delete attrs.gap;
    expect(attributeRowOf(attrs)).toBeUndefined();
    expect(attrs).toEqual({ rate: 1, size: 2, extra: 'e' });
    expect(attributeRowOf({ rate: 1 })).toBeUndefined();
    expect(attributeRowOf(undefined)).toBeUndefined();
  });
});

describe('row-backed attributes in the encoder and record columns', () => {
  const layout = new AttributeLayout(NAMES, ['pkt_rate']);
  const rows: [number[], Record<string, number | string> | undefined][] = [
    [[1, 100, 0.5, 3], { orig_ip_bytes: 60 }],
    [[2, 1500, NaN, NaN], { orig_ip_bytes: 1500, note: 'a' }],
    [[0, 0, 0, Infinity], undefined],
    [[5, 40, 2, 1], { size: 41 }],
  ];
  const fields: TrafficRecord = { protocol: 'TCP', srcPort: 50000, destPort: 443, duration: 0.2, bytesOut: 10, packetsOut: 2 };
  const withRows = (): TrafficRecord[] => rows.map(([values, own]) => ({ ...fields, attributes: layout.attributes(Float64Array.from(values), own) }));
  const withObjects = (): TrafficRecord[] =>
    rows.map(([values, own]) => ({ ...fields, attributes: plain(values.slice(0, 3), own, { pkt_rate: values[3] }) }));

  it('encodes records whose attributes are rows as it encodes plain attributes', () => {
    const spec = fitFeatureSpec('flow', [...withObjects(), ...withObjects(), { ...fields, attributes: { rate: 9, missing_sometimes: 1 } }]);
    expect(spec.features.some((f) => f.source.from === 'attribute' && f.source.name === 'pkt_rate')).toBe(true);
    const encoder = new FeatureEncoder(spec);
    const records = withRows();
    // The last one's own attributes clash with a name: it is a plain object from the start.
    const areRows = (): boolean[] => records.map((r) => attributeRowOf(r.attributes) !== undefined);
    expect(areRows()).toEqual([true, true, true, false]);
    expect(encoder.transform(records)).toEqual(encoder.transform(withObjects()));
    // Encoding read the rows without building the objects.
    expect(areRows()).toEqual([true, true, true, false]);
  });

  it('makes the same columns, in the same order, as from plain attributes', () => {
    const columns = RecordColumns.fromRecords(withRows());
    const expected = RecordColumns.fromRecords(withObjects());
    expect(columns.columns.map((c) => c.name)).toEqual(expected.columns.map((c) => c.name));
    expect(columns.toRecords()).toEqual(expected.toRecords());
  });
});
