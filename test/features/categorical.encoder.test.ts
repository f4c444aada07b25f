import { fitFeatureSpec } from '../../src/features/feature-spec.builder';
import type { CategoricalFeatureSpec } from '../../src/features/feature-spec.types';
import { FeatureEncoder } from '../../src/features/feature.encoder';
import type { TrafficRecord } from '../../src/records/traffic-record';

/** The one column lit for `field` in an encoded row, by name. */
function lit(encoder: FeatureEncoder, record: TrafficRecord, prefix: string): string[] {
  const row = encoder.transformRecord(record);
  return encoder.names.filter((n, i) => n.startsWith(prefix) && row[i] !== 0);
}

function training(): TrafficRecord[] {
  const records: TrafficRecord[] = [];
  for (let i = 0; i < 1000; i++) {
    records.push({ protocol: i % 3 === 0 ? 'UDP' : 'TCP', packetSize: 100 + (i % 50), service: i % 2 ? 'dns' : 'http' });
  }
  records.push({ protocol: 'SCTP', packetSize: 120 }); // seen once: rare, no column of its own
  records.push({ packetSize: 90 }); // no protocol: training has missing values
  return records;
}

describe('categorical encoding', () => {
  const spec = fitFeatureSpec('packet', training());
  const encoder = new FeatureEncoder(spec);

  it('keeps frequent values as columns and counts the rest as other', () => {
    const def = spec.features.find((f) => f.key === 'protocol') as CategoricalFeatureSpec;
    expect(def.categories).toEqual(['TCP', 'UDP']);
    expect(def.rare).toEqual(['SCTP']);
    expect(def.otherCount).toBe(1);
    expect(def.missing).toBe(1);
  });

  it('lights exactly the value column for known values', () => {
    expect(lit(encoder, { protocol: 'TCP' }, 'protocol')).toEqual(['protocol=TCP']);
    expect(lit(encoder, { protocol: 'UDP' }, 'protocol')).toEqual(['protocol=UDP']);
  });

  it('sends a value never seen in training to the unseen column and nowhere else', () => {
    for (const protocol of ['GRE', 'tcp', 'TCP ', 'ICMP', '']) {
      const cols = lit(encoder, { protocol }, 'protocol');
      if (protocol === '') expect(cols).toEqual(['protocol:missing']);
      else expect(cols).toEqual(['protocol:unseen']);
    }
  });

  it('sends a rare training value to other, not to unseen', () => {
    expect(lit(encoder, { protocol: 'SCTP' }, 'protocol')).toEqual(['protocol:other']);
  });

  it('lights the missing column for a missing value', () => {
    expect(lit(encoder, {}, 'protocol')).toEqual(['protocol:missing']);
  });

  it('lights nothing for a missing value when training never lacked the field', () => {
    const flowSpec = fitFeatureSpec('flow', [
      { protocol: 'TCP', service: 'http', duration: 1 },
      { protocol: 'UDP', service: 'dns', duration: 0.1 },
      { protocol: 'TCP', service: 'http', duration: 2 },
      { protocol: 'UDP', service: 'dns', duration: 0.2 },
    ]);
    const flowEncoder = new FeatureEncoder(flowSpec);
    expect(flowEncoder.names).not.toContain('service:missing');
    expect(lit(flowEncoder, { protocol: 'TCP' }, 'service')).toEqual([]);
    expect(lit(flowEncoder, { service: 'irc' }, 'service')).toEqual(['service:unseen']);
  });

  it('caps the number of category columns and keeps the most frequent', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ protocol: `P${i % 50}`, packetSize: 1 + (i % 7) }));
    many.push(...Array.from({ length: 500 }, () => ({ protocol: 'BIG', packetSize: 3 })));
    const def = fitFeatureSpec('packet', many, { maxCategories: 10 }).features.find(
      (f) => f.key === 'protocol',
    ) as CategoricalFeatureSpec;
    expect(def.categories).toHaveLength(10);
    expect(def.categories[0]).toBe('BIG');
    expect(def.rare).toHaveLength(41);
  });
});
