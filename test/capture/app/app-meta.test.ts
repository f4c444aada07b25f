import { createCaptureStats, FlowTable, PacketDecoder, type FlowTableOptions } from '../../../src/capture';
import { applicationRedFlags, applicationRisks } from '../../../src/capture/app/app-meta';
import { empiricalTails } from '../../../src/detectors/empirical-tails';
import { explain, FeatureEncoder, fitFeatureSpec } from '../../../src/features';
import type { TrafficRecord } from '../../../src/records/traffic-record';
import { Endpoint, tcpFrame, udpFrame } from '../../helpers/pcap-writer';
import { certificate, clientHello, extension, serverHelloAndCertificate, serverName } from '../../helpers/tls-hello';

const client: Endpoint = { ip: '192.168.1.10', port: 40000, mac: '02:00:00:00:00:0a' };
const web: Endpoint = { ip: '192.168.1.80', port: 80, mac: '02:00:00:00:00:50' };
const kdc: Endpoint = { ip: '192.168.1.2', port: 88, mac: '02:00:00:00:00:02' };
const resolver: Endpoint = { ip: '192.168.1.1', port: 53, mac: '02:00:00:00:00:01' };

/** Flows of the frames, each frame 10 ms after the one before. */
function flows(frames: Buffer[], options: Partial<FlowTableOptions> = {}): TrafficRecord[] {
  const decoder = new PacketDecoder(createCaptureStats());
  const out: TrafficRecord[] = [];
  const table = new FlowTable((r) => out.push(r), options);
  frames.forEach((data, i) => {
    if (decoder.decode({ data, offset: 0, capturedLength: data.length, originalLength: data.length, timestampMs: 1_700_000_000_000 + i * 10, linkType: 1, interfaceId: 0 })) {
      table.add(decoder.packet);
    }
  });
  table.flush();
  return out;
}

/** A TCP session from `from` with one request and one reply. */
function session(from: Endpoint, to: Endpoint, request: string, reply: string): Buffer[] {
  return [
    tcpFrame(from, to, { flags: 'S', seq: 100 }),
    tcpFrame(to, from, { flags: 'SA', seq: 500, ack: 101 }),
    tcpFrame(from, to, { flags: 'PA', seq: 101, ack: 501, payload: Buffer.from(request, 'latin1') }),
    tcpFrame(to, from, { flags: 'PA', seq: 501, ack: 101 + request.length, payload: Buffer.from(reply, 'latin1') }),
    tcpFrame(from, to, { flags: 'FA', seq: 101 + request.length, ack: 501 + reply.length }),
    tcpFrame(to, from, { flags: 'FA', seq: 501 + reply.length, ack: 102 + request.length }),
  ];
}

const get = (uri: string) => `GET ${uri} HTTP/1.1\r\nHost: shop.example.com\r\nUser-Agent: Mozilla/5.0 (X11) Firefox/120.0\r\n\r\n`;

/** A DNS query with one question of the given type. */
function dnsQuery(name: string, type: number): Buffer {
  const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  const labels = Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
  return Buffer.concat([header, labels, Buffer.from([type >> 8, type & 0xff, 0, 1])]);
}

/** A KRB-ERROR with the error-code KDC_ERR_C_PRINCIPAL_UNKNOWN, as a KDC answers a sprayed user name. */
const PRINCIPAL_UNKNOWN = Buffer.from('7e243022a003020105a10302011ea411180f32303230303732323139313633355aa603020106', 'hex');

describe('application metadata of flows', () => {
  it('gives HTTP flows their request columns, and counts injection signs in the URI', () => {
    const [ok, sqli] = flows([
      ...session(client, web, get('/products?id=7'), 'HTTP/1.1 200 OK\r\n\r\n'),
      ...session({ ...client, port: 40001 }, web, get("/products?id=7%27+union+select+password+from+users--"), 'HTTP/1.1 200 OK\r\n\r\n'),
    ]);
    expect(ok.attributes).toMatchObject({ http_uri_injection: 0, http_host_ip: 0 });
    // Not a login port: no failed-login count.
    expect(ok.attributes).not.toHaveProperty('auth_failures');
    expect(sqli.attributes).toMatchObject({ http_uri_injection: 3 });
    expect(applicationRedFlags(sqli.attributes)).toBe(3);
  });

  it('gives TLS flows the length of the server name their ClientHello asks for, 0 for none', () => {
    const tls: Endpoint = { ip: '1.1.1.1', port: 443, mac: '02:00:00:00:00:fe' };
    const hello = (extensions: Buffer[]) => clientHello(17, extensions).toString('latin1');
    const [named, unnamed] = flows([
      ...session(client, tls, hello([serverName('www.example.com')]), 'x'),
      ...session({ ...client, port: 40001 }, tls, hello([]), 'x'),
    ]);
    expect(named.attributes).toMatchObject({ tls_sni_len: 15 });
    expect(unnamed.attributes).toMatchObject({ tls_sni_len: 0 });
    expect(named.attributes).not.toHaveProperty('http_uri_injection');
  });

  it('counts a KDC refusing a user name as a failed login, and marks unusual DNS query types', () => {
    const [krb, txt, a] = flows([
      udpFrame(client, kdc, 150),
      udpFrame(kdc, client, PRINCIPAL_UNKNOWN),
      udpFrame({ ...client, port: 40002 }, resolver, dnsQuery('l.1.ns.example.pl', 16)),
      udpFrame({ ...client, port: 40003 }, resolver, dnsQuery('www.example.com', 1)),
    ]);
    expect(krb.attributes).toMatchObject({ auth_failures: 1 });
    expect(applicationRedFlags(krb.attributes)).toBe(1);
    expect(txt.attributes).toMatchObject({ dns_qtype_unusual: 1 });
    expect(a.attributes).toMatchObject({ dns_qtype_unusual: 0 });
    expect(txt.attributes).not.toHaveProperty('auth_failures');
  });

  it('counts the failed logins of a long FTP session per record when an active timeout splits it', () => {
    const ftp: Endpoint = { ip: '192.168.1.21', port: 21, mac: '02:00:00:00:00:15' };
    const frames = [tcpFrame(client, ftp, { flags: 'S', seq: 100 }), tcpFrame(ftp, client, { flags: 'SA', seq: 500, ack: 101 })];
    let seq = 101;
    let ack = 501;
    for (let i = 0; i < 6; i++) {
      const pass = Buffer.from(`PASS guess${i}\r\n`);
      const reply = Buffer.from('530 Login incorrect.\r\n');
      frames.push(tcpFrame(client, ftp, { flags: 'PA', seq, ack, payload: pass }));
      seq += pass.length;
      frames.push(tcpFrame(ftp, client, { flags: 'PA', seq: ack, ack: seq, payload: reply }));
      ack += reply.length;
    }
    const records = flows(frames, { activeTimeoutMs: 75 });
    expect(records.length).toBeGreaterThan(1);
    const counts = records.map((r) => r.attributes?.auth_failures);
    expect(counts.reduce((a, b) => Number(a) + Number(b), 0)).toBe(6);
    expect(counts.every((c) => typeof c === 'number' && c < 6)).toBe(true);
  });

  it('adds no application columns to flows without payload, but for a count of 0 risk signs', () => {
    const [syn] = flows([tcpFrame(client, web, { flags: 'S' })]);
    expect(Object.keys(syn.attributes ?? {}).sort()).toEqual(['app_risks', 'orig_ip_bytes', 'resp_ip_bytes']);
    expect(applicationRisks(syn.attributes)).toBe(0);
    // Nothing to count, which is not the same as a count of 0: a record not read from packets.
    expect(applicationRedFlags(syn.attributes)).toBe(-1);
    expect(applicationRedFlags(undefined)).toBe(-1);
    expect(applicationRisks({ orig_ip_bytes: 40, resp_ip_bytes: 0 })).toBe(-1);
  });

  it('counts the risk signs of TLS: no server name, ALPN offered without one, a port not for TLS, a self-signed certificate', () => {
    const tls: Endpoint = { ip: '203.0.113.7', port: 443, mac: '02:00:00:00:00:fe' };
    const hello = (extensions: Buffer[]) => clientHello(19, extensions).toString('latin1');
    const alpn = extension(16, Buffer.from([0, 3, 2, 0x68, 0x32]));
    const caSigned = serverHelloAndCertificate([certificate('Example Issuing CA', 'www.example.com')]).toString('latin1');
    const selfSigned = serverHelloAndCertificate([certificate('example.com', 'example.com')]).toString('latin1');
    const records = flows([
      ...session(client, tls, hello([serverName('www.example.com'), alpn]), caSigned),
      ...session({ ...client, port: 40001 }, tls, hello([]), caSigned),
      ...session({ ...client, port: 40002 }, tls, hello([alpn]), caSigned),
      ...session({ ...client, port: 40003 }, { ...tls, port: 9001 }, hello([serverName('www.example.com')]), caSigned),
      ...session({ ...client, port: 40004 }, tls, hello([]), selfSigned),
      // IMAP over TLS has a port of its own.
      ...session({ ...client, port: 40005 }, { ...tls, port: 993 }, hello([serverName('imap.example.com')]), caSigned),
    ]);
    expect(records.map((r) => r.attributes?.app_risks)).toEqual([0, 1, 2, 1, 2, 0]);
  });

  it('counts the risk signs of HTTP: a port not for HTTP, a program delivered', () => {
    const ok = 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html></html>';
    const program = 'HTTP/1.1 200 OK\r\nContent-Type: application/x-msdownload\r\nContent-Length: 802816\r\n\r\nMZ\x90\x00';
    const records = flows([
      ...session(client, web, get('/'), ok),
      ...session({ ...client, port: 40001 }, { ...web, port: 7080 }, get('/OK21pq'), ok),
      ...session({ ...client, port: 40002 }, { ...web, port: 8080 }, get('/'), ok),
      ...session({ ...client, port: 40003 }, web, get('/video/x/'), program),
    ]);
    expect(records.map((r) => r.attributes?.app_risks)).toEqual([0, 1, 0, 1]);
  });

  it('counts a DNS TXT answer carrying encoded data as a risk sign, not the TXT question itself', () => {
    const answer = (query: Buffer, text: string) => {
      const response = Buffer.from(query);
      response[2] = 0x81;
      response[7] = 1;
      const data = Buffer.from(text, 'latin1');
      return Buffer.concat([response, Buffer.from([0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, data.length + 1, data.length]), data]);
    };
    const encoded = Buffer.from(Array.from({ length: 150 }, (_, i) => (i * 7919 + 13) % 251)).toString('base64');
    const q1 = dnsQuery('l.1.ns.example.pl', 16);
    const q2 = dnsQuery('AS4134.asn.cymru.com', 16);
    const [c2, lookup] = flows([
      udpFrame({ ...client, port: 40002 }, resolver, q1),
      udpFrame(resolver, { ...client, port: 40002 }, answer(q1, encoded)),
      udpFrame({ ...client, port: 40003 }, resolver, q2),
      udpFrame(resolver, { ...client, port: 40003 }, answer(q2, '4134 | CN | apnic | 2002-08-01 | CHINANET-BACKBONE No.31,Jin-rong Street, CN')),
    ]);
    expect(c2.attributes).toMatchObject({ dns_qtype_unusual: 1, app_risks: 1 });
    expect(lookup.attributes).toMatchObject({ dns_qtype_unusual: 1, app_risks: 0 });
  });

  it('explains an injection attempt in words, first among the fields the flow default detector ranks', () => {
    const frames: Buffer[] = [];
    for (let i = 0; i < 60; i++) frames.push(...session({ ...client, port: 41000 + i }, web, get(`/products?id=${i}&q=${'x'.repeat(i)}`), 'HTTP/1.1 200 OK\r\n\r\n'));
    const training = flows(frames);
    const [attack] = flows(session({ ...client, port: 42000 }, web, get('/products?id=1%27+union+select+null%2C+password+from+users%23'), 'HTTP/1.1 200 OK\r\n\r\n'));
    const spec = fitFeatureSpec('flow', training);
    const encoder = new FeatureEncoder(spec);
    const detector = empiricalTails.create();
    detector.fit(encoder.transform(training), { seed: 1 });
    const row = encoder.transformRecord(attack);
    const messages = explain(spec, attack, row, detector.explain!(row), 1).map((e) => e.message);
    expect(messages).toEqual([
      'HTTP request URI with 3 kinds of injection signs (quotes, SQL comments or UNION SELECT, tags, ${, ../) is above anything seen in training (max 0); typical 0 (IQR 0–0)',
    ]);
  });
});
