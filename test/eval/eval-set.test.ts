import { labelled, labelsOf, randomSplit, subsampleAttacks } from '../../src/eval/eval-set';
import type { TrafficRecord } from '../../src/records/traffic-record';

const rows = (benign: number, attacks: number): TrafficRecord[] => [
  ...Array.from({ length: benign }, (_, i) => ({ packetSize: i, label: 'normal' })),
  ...Array.from({ length: attacks }, (_, i) => ({ packetSize: 1000 + i, label: 'neptune' })),
];

describe('subsampleAttacks', () => {
  it('keeps every benign row and just enough attacks for a 5% share, in order, the same for a seed', () => {
    const records = rows(950, 500);
    const a = subsampleAttacks(records, 3);
    expect(a.records.filter((r) => r.label === 'normal')).toHaveLength(950);
    expect(a.records.filter((r) => r.label === 'neptune')).toHaveLength(50);
    expect(a.kept).toEqual([...a.kept].sort((x, y) => x - y));
    expect(a.records).toEqual(a.kept.map((i) => records[i]));
    expect(subsampleAttacks(records, 3).kept).toEqual(a.kept);
    expect(subsampleAttacks(records, 4).kept).not.toEqual(a.kept);
    expect(a.note).toContain('from 500 to 50');
  });

  it('leaves a part that already has few attacks alone', () => {
    const records = rows(990, 10);
    expect(subsampleAttacks(records, 1).records).toEqual(records);
  });
});

describe('labels', () => {
  it('maps benign names to 0 and attack names to 1, and drops rows without ground truth', () => {
    const records: TrafficRecord[] = [{ label: 'Benign' }, { label: 'Malicious' }, { label: 'Background' }, {}, { label: 'normal' }];
    const kept = labelled(records);
    expect(kept).toHaveLength(3);
    expect(labelsOf(kept)).toEqual(Uint8Array.of(0, 1, 0));
    expect(() => labelsOf(records)).toThrow('no attack/benign label');
  });
});

describe('randomSplit', () => {
  it('splits about evenly and reproducibly', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const [a, b] = randomSplit(items, 0.5, 9);
    expect(a.length + b.length).toBe(1000);
    expect(Math.abs(a.length - 500)).toBeLessThan(60);
    expect(randomSplit(items, 0.5, 9)[0]).toEqual(a);
  });
});
