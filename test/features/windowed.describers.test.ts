import { hbos } from '../../src/detectors/hbos';
import { explain, FeatureEncoder, fitFeatureSpec } from '../../src/features';
import { capturePhrase, fieldLabel, windowedPhrase } from '../../src/features/feature.describers';
import type { TrafficRecord } from '../../src/records/traffic-record';

describe('windowed feature explanations', () => {
  it('puts the capture layer\'s windowed features in words', () => {
    expect(windowedPhrase('host_fanout_ports_10s', '312')).toBe('fan-out 312 destination ports in 10 s from this source');
    expect(windowedPhrase('pair_rate_100ms', '40')).toBe('rate 40/s over 100 ms from this source to this destination');
    expect(windowedPhrase('socket_size_mean_1m', '1400')).toBe('mean size 1400 bytes over 1 min on this connection');
    expect(windowedPhrase('src_bytes', '3')).toBeUndefined();
  });

  it('puts the flow features in words: fan-in, failures, link-wide floods, packet rate and DNS names', () => {
    expect(windowedPhrase('dst_fanin_hosts_1s', '128')).toBe('fan-in 128 source hosts in 1 s to this destination');
    expect(windowedPhrase('dst_ports_10s', '29')).toBe('29 distinct ports reached in 10 s to this destination');
    expect(windowedPhrase('host_fail_share_1m', '0.97')).toBe('0.97 of the connections in 1 min from this source failed (unanswered or refused)');
    expect(windowedPhrase('state_fail_rate_100ms', '6000')).toBe('6000/s failed TCP attempts in this state over 100 ms across the link');
    expect(capturePhrase('flow_pkt_rate', '3120')).toBe('packet rate 3120/s within this flow');
    expect(windowedPhrase('host_app_flags_10s', '9')).toBe('9 application red flags (failed logins, injection signs in URIs) in 10 s from this source');
    expect(capturePhrase('auth_failures', '2')).toBe('2 failed logins reported by the server in this flow');
    expect(windowedPhrase('host_app_risks_60m', '4')).toBe(
      '4 application risk signs (TLS without server name, HTTP or TLS off its port, self-signed certificates, programs over HTTP, encoded DNS TXT answers) in 60 min from this source',
    );
    expect(capturePhrase('app_risks', '2')).toMatch(/^2 application risk signs in this flow \(TLS without server name/);
    expect(capturePhrase('http_host_ip', '1')).toBe('HTTP request to a bare IP address (Host header)');
    expect(capturePhrase('tls_sni_len', '0')).toBe('TLS ClientHello naming no server (no SNI)');
    expect(capturePhrase('dns_qtype_unusual', '1')).toBe('DNS query for an unusual record type (TXT, NULL, ANY, ...)');
    expect(capturePhrase('dns_qname_len', '201')).toBe('DNS query name of 201 characters');
    expect(capturePhrase('orig_ip_bytes', '3')).toBeUndefined();
    const def = (name: string) => ({ source: { from: 'attribute', name } }) as Parameters<typeof fieldLabel>[0];
    expect(fieldLabel(def('dst_fanin_hosts_1s'))).toBe('source fan-in (1 s, per destination)');
    expect(fieldLabel(def('state_fail_rate_100ms'))).toBe('failed TCP attempts (100 ms, link-wide)');
    expect(fieldLabel(def('dns_qname_len'))).toBe('DNS query name length');
    expect(fieldLabel(def('host_app_flags_1m'))).toBe('application red flags (1 min, per source)');
    expect(fieldLabel(def('host_app_risks_1s'))).toBe('application risk signs (1 s, per source)');
    expect(fieldLabel(def('http_uri_injection'))).toBe('injection signs in the HTTP request URI');
    expect(fieldLabel(def('orig_ip_bytes'))).toBe('orig_ip_bytes');
  });

  it('names the field and gives the typical value when a scan stands out, ranked by HBOS contributions', () => {
    const flow = (i: number, fanout: number): TrafficRecord => ({
      srcIp: '192.168.1.10',
      destIp: '93.184.216.34',
      srcPort: 40000 + (i % 500),
      destPort: 443,
      protocol: 'TCP',
      duration: 1 + (i % 7),
      bytesOut: 500 + (i % 50),
      bytesIn: 4000 + (i % 300),
      attributes: { host_fanout_ports_10s: fanout, host_rate_1s: 2 + (i % 3) },
    });
    const training = Array.from({ length: 400 }, (_, i) => flow(i, 1 + (i % 5)));
    const spec = fitFeatureSpec('flow', training);
    const encoder = new FeatureEncoder(spec);
    const detector = hbos.create();
    detector.fit(encoder.transform(training), { seed: 1 });
    const scan = flow(3, 312);
    const row = encoder.transformRecord(scan);
    const [top] = explain(spec, scan, row, detector.explain!(row), 3);
    expect(top.feature).toBe('destination-port fan-out (10 s, per source)');
    expect(top.message).toBe(
      'fan-out 312 destination ports in 10 s from this source is above anything seen in training (max 5); typical 3 (IQR 2–4)',
    );
    expect(fieldLabel(spec.features.find((f) => f.type === 'port')!)).toBe('source port');
  });
});
