import { isIP } from 'node:net';
import { ATTACK_KINDS } from '../../src/sample/attack.scenarios';
import { injectAttacks } from '../../src/sample/attack.injector';
import { generateHomeNetworkTraffic } from '../../src/sample/home-network.generator';

describe('injectAttacks', () => {
  const benign = generateHomeNetworkTraffic({ seed: 4, count: 10_000 });
  const mixed = injectAttacks(benign, { seed: 9, rate: 0.05 });

  it('labels line up with the records', () => {
    expect(mixed.labels).toHaveLength(mixed.records.length);
    mixed.records.forEach((r, i) => {
      expect(r.label === 'normal').toBe(mixed.labels[i] === 0);
      if (mixed.labels[i] === 1) expect(ATTACK_KINDS).toContain(r.label);
    });
  });

  it('keeps every benign record, in order, without mutating the input', () => {
    const kept = mixed.records.filter((_, i) => mixed.labels[i] === 0);
    expect(kept).toEqual(benign.map((r) => ({ ...r, label: 'normal' })));
    expect(benign[0].label).toBeUndefined();
  });

  it('adds about `rate` attacks, of every requested kind, in time order', () => {
    const attacks = mixed.labels.reduce((s, l) => s + l, 0);
    expect(attacks / mixed.records.length).toBeCloseTo(0.05, 2);
    expect(new Set(mixed.records.map((r) => r.label))).toEqual(new Set(['normal', ...ATTACK_KINDS]));
    for (let i = 1; i < mixed.records.length; i++) {
      expect(mixed.records[i].timestamp!).toBeGreaterThanOrEqual(mixed.records[i - 1].timestamp!);
    }
    for (const r of mixed.records) {
      expect(isIP(r.srcIp!)).toBeGreaterThan(0);
      expect(r.packetSize!).toBeGreaterThan(0);
    }
  });

  it('is deterministic for a seed and honours the kinds filter', () => {
    expect(injectAttacks(benign, { seed: 9, rate: 0.05 })).toEqual(mixed);
    expect(injectAttacks(benign, { seed: 10, rate: 0.05 }).records).not.toEqual(mixed.records);
    const scans = injectAttacks(benign, { seed: 1, kinds: ['portscan'] });
    expect(new Set(scans.records.map((r) => r.label))).toEqual(new Set(['normal', 'portscan']));
    expect(injectAttacks(benign, { seed: 1, rate: 0 }).labels.every((l) => l === 0)).toBe(true);
  });

  it('injects flows into flow data', () => {
    const flows = generateHomeNetworkTraffic({ seed: 4, count: 2_000, kind: 'flow' });
    const { records, labels } = injectAttacks(flows, { seed: 2, rate: 0.1 });
    const attacks = records.filter((_, i) => labels[i] === 1);
    expect(attacks.length).toBeGreaterThan(150);
    for (const a of attacks) {
      expect(a.bytesOut).toBeDefined();
      expect(a.packetSize).toBeUndefined();
    }
    expect(attacks.filter((a) => a.label === 'synflood').every((a) => a.connState === 'S0')).toBe(true);
  });

  it('spreads attacks through records without timestamps', () => {
    const untimed = benign.slice(0, 1_000).map(({ timestamp: _t, ...r }) => r);
    const { records, labels } = injectAttacks(untimed, { seed: 3, rate: 0.1 });
    expect(records.every((r) => r.timestamp === undefined)).toBe(true);
    expect(labels.indexOf(1)).toBeGreaterThan(0);
  });

  it('refuses a bad rate or kind', () => {
    expect(() => injectAttacks(benign, { seed: 1, rate: 1 })).toThrow(/rate/);
    expect(() => injectAttacks(benign, { seed: 1, kinds: ['ddos' as never] })).toThrow(/kinds/);
  });
});
