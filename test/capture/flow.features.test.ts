import { DEFAULT_WINDOWED_OPTIONS, failedFlow, FlowFeatures, flowFeatureNames } from '../../src/capture';
import type { TrafficRecord } from '../../src/records/traffic-record';

/** A finished flow at `t` ms: `ok` flows are answered TCP connections, the rest unanswered SYNs. */
function flow(t: number, src: string, dst: string, dstPort: number, o: Partial<TrafficRecord> = {}): TrafficRecord {
  return {
    timestamp: t,
    duration: 0,
    srcIp: src,
    destIp: dst,
    srcPort: 40000,
    destPort: dstPort,
    protocol: 'TCP',
    connState: 'SF',
    packetsOut: 5,
    packetsIn: 5,
    attributes: { orig_ip_bytes: 400, resp_ip_bytes: 900 },
    ...o,
  };
}

/** Annotates the flows in order and returns the last one's attributes. */
function last(features: FlowFeatures, flows: TrafficRecord[]): Record<string, number | string> {
  for (const f of flows) features.annotate(f);
  return flows[flows.length - 1].attributes ?? {};
}

describe('flow features', () => {
  it('names per-source, per-destination, per-pair and link-wide state columns', () => {
    const names = flowFeatureNames(DEFAULT_WINDOWED_OPTIONS.halfLivesMs);
    expect(names).toHaveLength(8 * 4 + 4 * 4 + 3 * 4 + 2);
    expect(names).toEqual(expect.arrayContaining([
      'host_rate_100ms', 'host_fail_share_10s', 'dst_fanin_hosts_1s', 'dst_ports_1m', 'dst_fail_share_1m', 'pair_rate_10s',
    ]));
    // Link-wide rates only over the short windows: a flood shows within a second.
    expect(names.filter((n) => n.startsWith('state_'))).toEqual(['state_fail_rate_100ms', 'state_fail_rate_1s']);
    expect(new FlowFeatures().names).toEqual(names);
  });

  it('sees many sources converging on one destination, which per-source features cannot', () => {
    const features = new FlowFeatures();
    const flood = Array.from({ length: 300 }, (_, i) => flow(i, `203.0.${i >> 8}.${i & 255}`, '10.10.10.10', 80, { connState: 'S0', packetsIn: 0 }));
    const victim = last(features, flood);
    const normal = last(features, [flow(400, '192.168.1.5', '93.184.216.34', 443)]);
    // Distinct counts saturate at maxDistinctPerHost (128) to keep memory bounded.
    expect(victim.dst_fanin_hosts_1s).toBeGreaterThan(100);
    expect(victim.dst_fanin_hosts_1s).toBeLessThanOrEqual(DEFAULT_WINDOWED_OPTIONS.maxDistinctPerHost);
    expect(victim.dst_rate_1s).toBeGreaterThan(100);
    expect(victim.dst_fail_share_1s).toBeCloseTo(1, 6);
    expect(victim.host_rate_1s).toBeLessThan(1);
    expect(normal.dst_fanin_hosts_1s).toBeCloseTo(1, 6);
    expect(normal.dst_fail_share_1s).toBe(0);
  });

  it('gives a scanner a high share of failed connections and many ports on its target', () => {
    const features = new FlowFeatures();
    const scan = Array.from({ length: 100 }, (_, i) => flow(i * 10, '192.168.1.66', '192.168.1.1', 1 + i, { connState: i % 2 ? 'REJ' : 'S0', packetsIn: i % 2 }));
    const scanner = last(features, scan);
    expect(scanner.host_fail_share_10s).toBeCloseTo(1, 6);
    expect(scanner.host_fanout_ports_10s).toBeGreaterThan(90);
    expect(scanner.dst_ports_10s).toBeGreaterThan(90);
  });

  it('counts unanswered exchanges with one host as failed, never those with a group', () => {
    expect(failedFlow(flow(0, 'a', '192.168.1.1', 80, { connState: 'REJ' }))).toBe(true);
    expect(failedFlow(flow(0, 'a', '192.168.1.1', 80, { connState: 'RSTO' }))).toBe(false);
    expect(failedFlow(flow(0, 'a', '192.168.1.1', 161, { protocol: 'UDP', connState: 'S0' }))).toBe(true);
    expect(failedFlow(flow(0, 'a', '192.168.1.1', 0, { protocol: 'ICMP', connState: 'OTH', packetsIn: 0 }))).toBe(true);
    expect(failedFlow(flow(0, 'a', '192.168.1.1', 0, { protocol: 'ICMP', connState: 'OTH', packetsIn: 1 }))).toBe(false);
    for (const group of ['224.0.0.251', '255.255.255.255', '192.168.1.255', 'ff02::fb']) {
      expect(failedFlow(flow(0, 'a', group, 5353, { protocol: 'UDP', connState: 'S0' }))).toBe(false);
    }
  });

  it('rates failed TCP attempts link-wide, for a flood from random addresses to random addresses', () => {
    const features = new FlowFeatures();
    const spoofed = Array.from({ length: 100 }, (_, i) => flow(i / 10, `198.51.100.${i}`, `203.0.113.${i}`, 1024 + i, { connState: 'S0', packetsIn: 0 }));
    const flooding = last(features, spoofed);
    expect(flooding.host_rate_100ms).toBeLessThan(7);
    expect(flooding.dst_rate_100ms).toBeLessThan(7);
    expect(flooding.state_fail_rate_100ms).toBeGreaterThan(500);
    // Flows of other states and of other protocols are not part of it.
    expect(last(features, [flow(11, '192.168.1.5', '93.184.216.34', 443)]).state_fail_rate_100ms).toBe(0);
    expect(last(features, [flow(12, '192.168.1.5', '192.168.1.9', 161, { protocol: 'UDP', connState: 'S0', packetsIn: 0 })]).state_fail_rate_100ms).toBe(0);
  });

  it('gives a flow of two packets or more its packet rate, smoothed over 100 ms', () => {
    const features = new FlowFeatures();
    const sweep = last(features, [flow(0, '10.0.2.17', '10.0.2.18', 135, { duration: 0.124, packetsOut: 350, packetsIn: 350 })]);
    expect(sweep.flow_pkt_rate).toBeCloseTo(699 / 0.224, 6);
    const pair = last(features, [flow(1, '10.0.2.17', '10.0.2.18', 53, { duration: 0.000001, packetsOut: 1, packetsIn: 1 })]);
    expect(pair.flow_pkt_rate).toBeLessThan(10);
    expect(last(features, [flow(2, '10.0.2.17', '10.0.2.18', 80, { packetsOut: 1, packetsIn: 0 })])).not.toHaveProperty('flow_pkt_rate');
  });

  it('counts a source\'s failed logins and URI injection signs over its windows, only on flows that carry such columns', () => {
    const features = new FlowFeatures();
    const kdc = '172.16.66.36';
    const spray = Array.from({ length: 8 }, (_, i) => flow(i * 10, '172.16.66.1', kdc, 88, { protocol: 'UDP', attributes: { orig_ip_bytes: 180, resp_ip_bytes: 130, auth_failures: 1 } }));
    const sprayed = last(features, spray);
    expect(sprayed.host_app_flags_1m).toBeCloseTo(8, 1);
    expect(sprayed.host_app_flags_100ms).toBeGreaterThan(4);
    expect(sprayed.host_app_flags_100ms).toBeLessThan(8);
    const injection = last(features, [flow(100, '172.16.0.1', '192.168.10.50', 80, { attributes: { orig_ip_bytes: 600, resp_ip_bytes: 2000, http_uri_injection: 3 } })]);
    expect(injection.host_app_flags_1s).toBe(3);
    expect(last(features, [flow(200, '192.168.1.5', kdc, 88, { attributes: { orig_ip_bytes: 180, resp_ip_bytes: 130, auth_failures: 0 } })]).host_app_flags_1m).toBe(0);
    // A Zeek record or a flow without payload has nothing to count: no column, rather than a constant 0.
    expect(last(features, [flow(300, '172.16.66.1', kdc, 445)])).not.toHaveProperty('host_app_flags_1m');
    expect(new FlowFeatures().names).not.toContain('host_app_flags_1m');
  });

  it('counts a source\'s application risk signs over its windows and the last hour, on every flow read from packets', () => {
    const features = new FlowFeatures();
    const c2 = '198.51.100.9';
    const risky = (t: number, risks: number) => flow(t, '10.4.25.101', c2, 443, { attributes: { orig_ip_bytes: 900, resp_ip_bytes: 800, app_risks: risks } });
    const first = last(features, [risky(0, 2)]);
    expect(first).toMatchObject({ host_app_risks_100ms: 2, host_app_risks_1m: 2, host_app_risks_60m: 2 });
    // Ten minutes on, a flow without signs: the short windows have forgotten, the hour has not.
    const later = last(features, [risky(600_000, 0)]);
    expect(later.host_app_risks_1m).toBeLessThan(0.01);
    expect(later.host_app_risks_60m).toBeCloseTo(2 * 2 ** (-600_000 / 3_600_000), 6);
    // Another source's count is its own.
    expect(last(features, [flow(600_001, '10.4.25.102', c2, 443, { attributes: { orig_ip_bytes: 900, resp_ip_bytes: 800, app_risks: 0 } })]).host_app_risks_60m).toBe(0);
    // A Zeek record has no risk count to carry: no column, rather than a constant 0.
    expect(last(features, [flow(600_002, '10.4.25.101', c2, 443)])).not.toHaveProperty('host_app_risks_60m');
    expect(new FlowFeatures().names).not.toContain('host_app_risks_60m');
    // Windows of an hour or more already hold the long memory.
    expect(last(new FlowFeatures({ halfLivesMs: [1_000, 3_600_000] }), [risky(0, 1)])).toEqual(expect.objectContaining({ host_app_risks_1s: 1, host_app_risks_60m: 1 }));
  });

  it('observes a flow at its end and keeps its own attributes', () => {
    const record = flow(1000, 'a', 'b', 2, { duration: 2, attributes: { orig_ip_bytes: 100, resp_ip_bytes: 50, dns_qname_len: 12 } });
    const attributes = last(new FlowFeatures(), [record]);
    expect(attributes).toMatchObject({ orig_ip_bytes: 100, resp_ip_bytes: 50, dns_qname_len: 12, host_size_mean_1s: 150, host_fanout_ports_1s: 1 });
  });

  it('keeps the hosts that keep talking when a spoofed flood overflows its tables', () => {
    const features = new FlowFeatures({ maxHosts: 64 });
    const regular = (t: number) => flow(t, '192.168.1.5', '93.184.216.34', 443);
    last(features, [regular(0), regular(10)]);
    last(features, Array.from({ length: 1000 }, (_, i) => flow(20 + i, `198.51.${i >> 8}.${i & 255}`, '10.10.10.10', 80, { connState: 'S0', packetsIn: 0 })));
    expect(features.stats.evictedHosts).toBeGreaterThan(900);
    expect(last(features, [regular(2000)]).host_rate_1m).toBeGreaterThan(2.9 * (Math.LN2 / 60));
  });
});
