import { createCaptureStats, FlowTable, PacketDecoder } from '../../src/capture';
import { readDnsQuestion, type DnsQuestion } from '../../src/capture/dns-query';
import type { TrafficRecord } from '../../src/records/traffic-record';
import { Endpoint, udpFrame } from '../helpers/pcap-writer';

/** A DNS message with one question (type A) for `name`; `labels` overrides the encoded labels. */
function dnsMessage(name: string, o: { response?: boolean; questions?: number; labels?: Buffer } = {}): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(0x1234, 0);
  header.writeUInt16BE(o.response ? 0x8180 : 0x0100, 2);
  header.writeUInt16BE(o.questions ?? 1, 4);
  const labels = o.labels ?? Buffer.concat([...name.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
  return Buffer.concat([header, labels, Buffer.from([0, 1, 0, 1])]);
}

function question(message: Buffer): DnsQuestion | undefined {
  const out = { nameLength: -1, entropy: 0, type: 0 };
  return readDnsQuestion(message, 0, message.length, out) ? out : undefined;
}

const client: Endpoint = { ip: '192.168.1.10', port: 40000, mac: '02:00:00:00:00:0a' };
const resolver: Endpoint = { ip: '192.168.1.1', port: 53, mac: '02:00:00:00:00:01' };

describe('DNS question names', () => {
  it('measures the name as dig prints it, and how random its characters are', () => {
    expect(question(dnsMessage('www.example.com'))).toEqual({ nameLength: 15, entropy: expect.closeTo(3.027, 3), type: 1 });
    expect(question(dnsMessage('aaaa'))).toEqual({ nameLength: 4, entropy: 0, type: 1 });
    expect(question(dnsMessage(''))).toEqual({ nameLength: 0, entropy: 0, type: 1 });
    const tunnel = question(dnsMessage('laegpumiplhhpz12ynd1efljwlkjcgwy0q7rt3xvb5sd.pirate.sea'))!;
    expect(tunnel.nameLength).toBe('laegpumiplhhpz12ynd1efljwlkjcgwy0q7rt3xvb5sd.pirate.sea'.length);
    expect(tunnel.entropy).toBeGreaterThan(4.5);
  });

  it('reads the query type after the name, 0 when the message ends before it', () => {
    const txt = dnsMessage('l.1.ns.example.pl');
    txt.writeUInt16BE(16, txt.length - 4);
    expect(question(txt)?.type).toBe(16);
    expect(question(dnsMessage('example.com').subarray(0, 12 + 13 + 1))).toEqual({ nameLength: 11, entropy: expect.any(Number), type: 0 });
  });

  it('ignores letter case, as DNS does', () => {
    expect(question(dnsMessage('WwW.ExAmPlE.CoM'))).toEqual(question(dnsMessage('www.example.com')));
  });

  it('reads nothing from a message without a question, a cut name or a compression pointer, and forgets nothing', () => {
    expect(question(dnsMessage('example.com', { questions: 0 }))).toBeUndefined();
    expect(question(dnsMessage('example.com').subarray(0, 18))).toBeUndefined();
    expect(question(dnsMessage('', { labels: Buffer.from([3, 0x61, 0x62, 0x63, 0xc0, 0x0c]) }))).toBeUndefined();
    expect(question(Buffer.alloc(5))).toBeUndefined();
    // A failed read leaves no counts behind for the next one.
    expect(question(dnsMessage('aaaa'))).toEqual({ nameLength: 4, entropy: 0, type: 1 });
  });

  it('gives a DNS flow the longest name and highest entropy of its messages; other flows get none', () => {
    const decoder = new PacketDecoder(createCaptureStats());
    const flows: TrafficRecord[] = [];
    const table = new FlowTable((r) => flows.push(r));
    const frames = [
      udpFrame(client, resolver, dnsMessage('example.com')),
      udpFrame(resolver, client, dnsMessage('example.com', { response: true })),
      udpFrame(client, resolver, dnsMessage('q1x9z7k2m4.tunnel.example.com')),
      udpFrame({ ...client, port: 40001 }, { ...resolver, port: 123 }, 48),
    ];
    frames.forEach((data, i) => {
      const ok = decoder.decode({ data, offset: 0, capturedLength: data.length, originalLength: data.length, timestampMs: i, linkType: 1, interfaceId: 0 });
      if (ok) table.add(decoder.packet);
    });
    table.flush();
    expect(flows).toHaveLength(2);
    const [dns, ntp] = flows;
    expect(dns.attributes).toMatchObject({ dns_qname_len: 29, dns_qname_entropy: expect.any(Number) });
    expect(Number(dns.attributes?.dns_qname_entropy)).toBeGreaterThan(question(dnsMessage('example.com'))!.entropy);
    expect(ntp.attributes).not.toHaveProperty('dns_qname_len');
  });
});
