import { isIP } from 'node:net';
import type { TrafficRecord } from '../../src/records/traffic-record';
import { DEFAULT_SAMPLE_START, generateHomeNetworkTraffic } from '../../src/sample/home-network.generator';

const isPort = (p: number | undefined) => p === undefined || (Number.isInteger(p) && p >= 0 && p <= 65535);

/** Every rule a record breaks, so a failure shows the first offenders instead of one bare assertion. */
function problems(records: TrafficRecord[]): string[] {
  const found: string[] = [];
  let last = -Infinity;
  records.forEach((r, i) => {
    const bad = (what: string) => found.push(`#${i} ${what}: ${JSON.stringify(r)}`);
    if (isIP(r.srcIp ?? '') === 0 || isIP(r.destIp ?? '') === 0) bad('address');
    if (!isPort(r.srcPort) || !isPort(r.destPort)) bad('port');
    if (!['TCP', 'UDP', 'ICMP'].includes(r.protocol ?? '')) bad('protocol');
    if (!(r.timestamp! >= last)) bad('timestamp');
    last = r.timestamp!;
    const sizes = [r.packetSize, r.duration, r.bytesOut, r.bytesIn, r.packetsOut, r.packetsIn];
    if (sizes.some((n) => n !== undefined && !(n >= 0))) bad('negative size');
    if (r.label !== undefined) bad('label');
  });
  return found.slice(0, 5);
}

function expectValid(records: TrafficRecord[]): void {
  expect(problems(records)).toEqual([]);
}

describe('generateHomeNetworkTraffic: packets', () => {
  const records = generateHomeNetworkTraffic({ seed: 1, count: 20_000 });

  it('returns exactly `count` records, identical for the same seed, different for another', () => {
    expect(records).toHaveLength(20_000);
    expect(generateHomeNetworkTraffic({ seed: 1, count: 20_000 })).toEqual(records);
    expect(generateHomeNetworkTraffic({ seed: 2, count: 20_000 })).not.toEqual(records);
    expect(generateHomeNetworkTraffic({ seed: 1, count: 10 })).toEqual(records.slice(0, 10));
  });

  it('produces valid records with non-decreasing timestamps from the start time', () => {
    expectValid(records);
    expect(records[0].timestamp!).toBeGreaterThanOrEqual(DEFAULT_SAMPLE_START);
    const shifted = generateHomeNetworkTraffic({ seed: 1, count: 5, start: 0 });
    expect(shifted[0].timestamp!).toBeLessThan(10_000);
  });

  it('contains every service of the home network', () => {
    const has = (pred: (r: TrafficRecord) => boolean) => records.filter(pred).length;
    const lan = (ip?: string) => ip?.startsWith('192.168.0.') ?? false;
    const mix = {
      dnsToRouter: has((r) => r.protocol === 'UDP' && r.destPort === 53 && r.destIp === '192.168.0.1'),
      dnsToPublic: has((r) => r.protocol === 'UDP' && r.destPort === 53 && ['1.1.1.1', '8.8.8.8', '1.0.0.1', '8.8.4.4'].includes(r.destIp!)),
      https: has((r) => r.protocol === 'TCP' && r.destPort === 443 && !lan(r.destIp)),
      quic: has((r) => r.protocol === 'UDP' && r.destPort === 443),
      httpLan: has((r) => r.protocol === 'TCP' && r.destPort === 80 && lan(r.destIp)),
      httpOutside: has((r) => r.protocol === 'TCP' && r.destPort === 80 && !lan(r.destIp)),
      ntp: has((r) => r.protocol === 'UDP' && r.destPort === 123),
      mdns: has((r) => r.destIp === '224.0.0.251' && r.destPort === 5353),
      ssdp: has((r) => r.destIp === '239.255.255.250' && r.destPort === 1900),
      streaming: has((r) => r.protocol === 'TCP' && r.srcPort === 443 && r.destIp === '192.168.0.30' && r.packetSize! >= 1200),
      mqtt: has((r) => r.destPort === 1883 || r.destPort === 8883),
      smb: has((r) => r.destPort === 445 && r.destIp === '192.168.0.2'),
      dhcp: has((r) => r.protocol === 'UDP' && (r.destPort === 67 || r.destPort === 68)),
      icmp: has((r) => r.protocol === 'ICMP' && r.srcPort === undefined),
      responsesToEphemeralPorts: has((r) => !lan(r.srcIp) && lan(r.destIp) && r.destPort! >= 32768),
    };
    for (const [service, count] of Object.entries(mix)) expect([service, count > 0]).toEqual([service, true]);
  });

  it('makes the README example ordinary: the router polls the NAS web UI from low registered ports', () => {
    const polls = records.filter((r) => r.srcIp === '192.168.0.1' && r.destIp === '192.168.0.2' && r.destPort === 80 && r.protocol === 'TCP');
    expect(polls.length).toBeGreaterThan(records.length * 0.01);
    expect(polls.every((r) => r.srcPort! >= 1024 && r.srcPort! < 5000)).toBe(true);
    expect(polls.filter((r) => r.packetSize! <= 400).length).toBeGreaterThan(polls.length * 0.8);
  });

  it('uses the client port ranges of each operating system', () => {
    const from = (ip: string) => records.filter((r) => r.srcIp === ip && (r.destPort === 443 || r.destPort === 53)).map((r) => r.srcPort!);
    expect(from('192.168.0.10').every((p) => p >= 49152)).toBe(true); // Windows
    expect(from('192.168.0.12').every((p) => p >= 32768 && p <= 60999)).toBe(true); // Linux
    expect(from('192.168.0.40').every((p) => p >= 1024 && p < 5000)).toBe(true); // sensor firmware
  });

  it('gives each service a realistic packet-size range', () => {
    const sizes = (pred: (r: TrafficRecord) => boolean) => records.filter(pred).map((r) => r.packetSize!);
    expect(Math.max(...sizes((r) => r.destPort === 53))).toBeLessThanOrEqual(100);
    expect(sizes((r) => r.destPort === 123 || r.srcPort === 123).every((s) => s === 76)).toBe(true);
    expect(Math.max(...records.map((r) => r.packetSize!))).toBeLessThanOrEqual(1500);
    expect(Math.min(...records.map((r) => r.packetSize!))).toBeGreaterThanOrEqual(40);
  });

  it('refuses nonsense options', () => {
    expect(() => generateHomeNetworkTraffic({ seed: 1, count: -1 })).toThrow(/count/);
    expect(() => generateHomeNetworkTraffic({ seed: Number.NaN, count: 1 })).toThrow(/seed/);
    expect(generateHomeNetworkTraffic({ seed: 1, count: 0 })).toEqual([]);
  });
});

describe('generateHomeNetworkTraffic: flows', () => {
  const flows = generateHomeNetworkTraffic({ seed: 1, count: 3_000, kind: 'flow' });

  it('returns valid, deterministic conn records', () => {
    expect(flows).toHaveLength(3_000);
    expectValid(flows);
    expect(generateHomeNetworkTraffic({ seed: 1, count: 3_000, kind: 'flow' })).toEqual(flows);
  });

  it('has consistent counters and Zeek-like states and services', () => {
    for (const f of flows) {
      expect(f.packetsOut! + f.packetsIn!).toBeGreaterThan(0);
      if (f.packetsIn === 0) expect(f.bytesIn).toBe(0);
      expect(f.bytesOut!).toBeGreaterThanOrEqual(f.packetsOut! * 40);
      expect(f.duration!).toBeGreaterThanOrEqual(0);
      expect(f.packetSize).toBeUndefined();
    }
    const states = new Set(flows.map((f) => f.connState));
    for (const s of ['SF', 'S0']) expect(states).toContain(s);
    const services = new Set(flows.map((f) => f.service));
    for (const s of ['dns', 'ssl', 'http', 'quic', 'ntp', 'smb', 'dhcp']) expect(services).toContain(s);
  });

  it('describes the same hosts as the packet sample', () => {
    const hosts = (rs: TrafficRecord[]) => new Set(rs.filter((r) => r.srcIp!.startsWith('192.168.0.')).map((r) => r.srcIp));
    const packetHosts = hosts(generateHomeNetworkTraffic({ seed: 1, count: 20_000 }));
    for (const h of hosts(flows)) expect(packetHosts).toContain(h);
  });
});
