import { createCaptureStats, FlowTable, FlowTableOptions, PacketDecoder } from '../../src/capture';
import { TrafficRecord } from '../../src/records/traffic-record';
import { arpFrame, Endpoint, ETHERTYPE_IPV4, ethernet, icmpFrame, ipv4, PROTO_UDP, TcpOptions, tcpFrame, udpFrame } from '../helpers/pcap-writer';

interface Timed {
  t: number;
  frame: Buffer;
}

const client: Endpoint = { ip: '192.168.1.10', port: 51000, mac: '02:00:00:00:00:0a' };
const server: Endpoint = { ip: '93.184.216.34', port: 443, mac: '02:00:00:00:00:fe' };
const dns: Endpoint = { ip: '192.168.1.1', port: 53, mac: '02:00:00:00:00:01' };

function runFlows(packets: Timed[], options: Partial<FlowTableOptions> = {}): { flows: TrafficRecord[]; table: FlowTable } {
  const decoder = new PacketDecoder(createCaptureStats());
  const flows: TrafficRecord[] = [];
  const table = new FlowTable((record) => flows.push(record), options);
  for (const { t, frame } of packets) {
    const ok = decoder.decode({ data: frame, offset: 0, capturedLength: frame.length, originalLength: frame.length, timestampMs: t, linkType: 1, interfaceId: 0 });
    if (ok) table.add(decoder.packet);
  }
  table.flush();
  return { flows, table };
}

/** Builds one TCP conversation with real sequence numbers, 10 ms between packets. */
class Conversation {
  readonly packets: Timed[] = [];
  private readonly seq: { c: number; s: number };

  constructor(private t = 1_000_000, readonly c: Endpoint = client, readonly s: Endpoint = server, isn = { c: 1000, s: 5000 }) {
    this.seq = { ...isn };
  }

  client(flags: string, payload = 0, extra: Partial<TcpOptions> = {}): this {
    return this.send('c', flags, payload, extra);
  }

  server(flags: string, payload = 0, extra: Partial<TcpOptions> = {}): this {
    return this.send('s', flags, payload, extra);
  }

  handshake(): this {
    return this.client('S').server('SA').client('A');
  }

  wait(ms: number): this {
    this.t += ms;
    return this;
  }

  private send(side: 'c' | 's', flags: string, payload: number, extra: Partial<TcpOptions>): this {
    const other = side === 'c' ? 's' : 'c';
    const [from, to] = side === 'c' ? [this.c, this.s] : [this.s, this.c];
    const ack = flags.includes('A') ? this.seq[other] : 0;
    this.t += 10;
    this.packets.push({ t: this.t, frame: tcpFrame(from, to, { flags, seq: this.seq[side], ack, payload, ...extra }) });
    this.seq[side] = (this.seq[side] + payload + (flags.includes('S') ? 1 : 0) + (flags.includes('F') ? 1 : 0)) >>> 0;
    return this;
  }
}

function only(packets: Timed[], options?: Partial<FlowTableOptions>): TrafficRecord {
  const { flows } = runFlows(packets, options);
  expect(flows).toHaveLength(1);
  return flows[0];
}

describe('flow table', () => {
  it('reports handshake, data and FIN close as SF with a Zeek history and payload bytes', () => {
    const conv = new Conversation().handshake().client('PA', 300).server('A').server('PA', 1200).client('A').client('FA').server('FA').client('A');
    expect(only(conv.packets)).toEqual({
      timestamp: 1_000_010,
      srcIp: client.ip,
      destIp: server.ip,
      srcPort: 51000,
      destPort: 443,
      protocol: 'TCP',
      duration: 0.09,
      bytesOut: 300,
      bytesIn: 1200,
      packetsOut: 6,
      packetsIn: 4,
      connState: 'SF',
      service: 'ssl',
      srcMac: client.mac,
      destMac: server.mac,
      tcpFlags: 'FSPA',
      history: 'ShADadFf',
      attributes: { orig_ip_bytes: 6 * 40 + 300, resp_ip_bytes: 4 * 40 + 1200, app_risks: 0 },
    });
  });

  it('counts sequence numbers above 2^31 and across the 2^32 wrap like small ones', () => {
    const talk = (c: Conversation) => c.handshake().client('PA', 300).server('A').server('PA', 1200).client('A').client('FA').server('FA').client('A');
    const small = only(talk(new Conversation()).packets);
    // The client's numbers wrap past 2^32 in mid-conversation; the server's start above 2^31.
    const large = only(talk(new Conversation(undefined, client, server, { c: 0xffffff00, s: 0x9000_0000 })).packets);
    expect(large).toEqual(small);
    expect(large).toMatchObject({ bytesOut: 300, bytesIn: 1200, connState: 'SF', history: 'ShADadFf' });
  });

  it.each<[string, (c: Conversation) => Conversation, string, string]>([
    ['SYN only', (c) => c.client('S'), 'S0', 'S'],
    ['SYN answered by RST', (c) => c.client('S').server('RA'), 'REJ', 'Sr'],
    ['originator reset', (c) => c.handshake().client('R'), 'RSTO', 'ShAR'],
    ['responder reset', (c) => c.handshake().client('PA', 10).server('R'), 'RSTR', 'ShADr'],
    ['SYN then FIN, no answer', (c) => c.client('S').client('F'), 'SH', 'SF'],
    ['SYN then RST, no answer', (c) => c.client('S').client('R'), 'RSTOS0', 'SR'],
    ['established, never closed', (c) => c.handshake().client('PA', 5), 'S1', 'ShAD'],
    ['originator closed only', (c) => c.handshake().client('FA'), 'S2', 'ShAF'],
    ['responder closed only', (c) => c.handshake().server('FA'), 'S3', 'ShAf'],
    ['picked up mid-stream', (c) => c.client('PA', 100).server('PA', 100), 'OTH', 'Dd'],
    ['mid-stream, closed both ways', (c) => c.client('PA', 100).server('FA').client('FA'), 'SF', 'DfF'],
    ['first packet a SYN-ACK, then RST', (c) => c.server('SA').server('R'), 'OTH', 'HR'],
  ])('%s → %s', (_name, build, connState, history) => {
    expect(only(build(new Conversation()).packets)).toMatchObject({ connState, history });
  });

  it('counts a retransmitted segment once and marks it in the history', () => {
    const conv = new Conversation().handshake().client('PA', 500);
    conv.packets.push({ t: conv.packets[3].t + 200, frame: conv.packets[3].frame });
    conv.wait(300).server('A').client('FA').server('FA').client('A');
    expect(only(conv.packets)).toMatchObject({ bytesOut: 500, packetsOut: 6, history: 'ShADTaFf', connState: 'SF' });
  });

  it('puts UDP both ways in one flow (SF, Dd) and one way in S0', () => {
    const flows = runFlows([
      { t: 0, frame: udpFrame(client, dns, 30) },
      { t: 5, frame: udpFrame(dns, client, 90) },
      { t: 10, frame: udpFrame({ ...client, port: 40001 }, dns, 30) },
    ]).flows;
    expect(flows.map((f) => [f.srcPort, f.destPort, f.connState, f.history, f.bytesOut, f.bytesIn, f.service])).toEqual([
      [51000, 53, 'SF', 'Dd', 30, 90, 'dns'],
      [40001, 53, 'S0', 'D', 30, 0, 'dns'],
    ]);
  });

  it('pairs ICMP echo request and reply like Zeek (type, counterpart type)', () => {
    const ping = (type: number, t: number, from: Endpoint, to: Endpoint): Timed => ({ t, frame: icmpFrame(from, to, type, 0, 56) });
    const flow = only([ping(8, 0, client, server), ping(0, 10, server, client), ping(8, 1000, client, server), ping(0, 1010, server, client)]);
    expect(flow).toMatchObject({ protocol: 'ICMP', srcPort: 8, destPort: 0, connState: 'OTH', packetsOut: 2, packetsIn: 2, bytesOut: 112, history: undefined });
  });

  it('splits a flow that stays idle past its timeout', () => {
    const packets = [0, 10, 120_000, 120_010].map((t) => ({ t, frame: udpFrame(client, dns, 20) }));
    expect(runFlows(packets).flows.map((f) => [f.timestamp, f.packetsOut])).toEqual([[0, 2], [120_000, 2]]);
    expect(runFlows(packets, { udpIdleTimeoutMs: 200_000 }).flows).toHaveLength(1);
  });

  it('reports a finished TCP flow once the close delay passed, before the capture ends', () => {
    const conv = new Conversation(0).handshake().client('FA').server('FA').client('A');
    const later = [{ t: 60_000, frame: udpFrame(client, dns, 20) }];
    const { flows } = runFlows([...conv.packets, ...later]);
    expect(flows.map((f) => f.protocol)).toEqual(['TCP', 'UDP']);
  });

  it('starts a new flow when a SYN reuses the ports of a finished connection', () => {
    const first = new Conversation(0).handshake().client('FA').server('FA').client('A');
    const second = new Conversation(1000).handshake().client('R');
    expect(runFlows([...first.packets, ...second.packets]).flows.map((f) => f.connState)).toEqual(['SF', 'RSTO']);
  });

  it('gives up on an unanswered SYN after the attempt timeout, as Zeek does', () => {
    const syn = new Conversation(0).client('S').packets[0];
    const retry = { t: syn.t + 6_000, frame: syn.frame };
    expect(runFlows([syn, retry]).flows.map((f) => [f.connState, f.history])).toEqual([['S0', 'S'], ['S0', 'S']]);
    expect(runFlows([syn, { t: syn.t + 1_000, frame: syn.frame }]).flows).toHaveLength(1);
  });

  it('reports long flows at the active timeout and keeps going', () => {
    const packets = Array.from({ length: 10 }, (_, i) => ({ t: i * 1000, frame: udpFrame(client, dns, 10) }));
    const { flows, table } = runFlows(packets, { activeTimeoutMs: 3000 });
    expect(flows.map((f) => f.packetsOut)).toEqual([3, 3, 3, 1]);
    expect(table.stats).toMatchObject({ flows: 4, activeTimeouts: 3 });
  });

  it('reports each active-timeout period of a TCP flow with its own bytes', () => {
    const conv = new Conversation(0).handshake().client('PA', 100).wait(4000).client('PA', 200).wait(4000).client('PA', 300).client('FA').server('FA');
    const { flows } = runFlows(conv.packets, { activeTimeoutMs: 3000 });
    expect(flows.map((f) => [f.bytesOut, f.connState])).toEqual([[100, 'S1'], [200, 'S1'], [300, 'SF']]);
  });

  it('evicts the least recently seen flow when the table is full, reporting it', () => {
    const at = (t: number, port: number): Timed => ({ t, frame: udpFrame({ ...client, port }, dns, 10) });
    const { flows, table } = runFlows([at(0, 1), at(1, 2), at(2, 1), at(3, 3), at(4, 2)], { maxFlows: 2 });
    expect(table.stats.evicted).toBe(2);
    expect(flows.map((f) => [f.srcPort, f.packetsOut])).toEqual([[2, 1], [1, 2], [3, 1], [2, 1]]);
  });

  it('makes ARP exchanges flows from the asking address to the one asked about, answered or not', () => {
    const asker = { ip: '192.168.1.10', port: 0, mac: '02:00:00:00:00:0a' };
    const gateway = { ip: '192.168.1.1', port: 0, mac: '02:00:00:00:00:01' };
    const { flows, table } = runFlows([
      { t: 0, frame: arpFrame(1, asker, '192.168.1.1') },
      { t: 1, frame: arpFrame(2, gateway, '192.168.1.10') },
      { t: 2, frame: arpFrame(1, asker, '192.168.1.77') },
    ]);
    expect(table.stats.untracked).toBe(0);
    expect(flows.map((f) => [f.protocol, f.srcIp, f.destIp, f.srcPort, f.packetsOut, f.packetsIn, f.connState])).toEqual([
      ['ARP', '192.168.1.10', '192.168.1.1', undefined, 1, 1, 'SF'],
      ['ARP', '192.168.1.10', '192.168.1.77', undefined, 1, 0, 'S0'],
    ]);
  });

  it('leaves non-first IP fragments out of flows, counting them', () => {
    const fragment = ethernet({
      etherType: ETHERTYPE_IPV4,
      payload: ipv4({ src: client.ip, dst: dns.ip, protocol: PROTO_UDP, fragmentOffset: 1480, payload: Buffer.alloc(100) }),
    });
    const { flows, table } = runFlows([{ t: 0, frame: fragment }]);
    expect(flows).toEqual([]);
    expect(table.stats.untracked).toBe(1);
  });

  it('reports flows in the order of their deadlines, wherever the input ends', () => {
    // A UDP exchange (idle timeout 60 s) and an unanswered SYN (given up after 5 s): the SYN is due first.
    const packets = [{ t: 0, frame: udpFrame(client, dns, 30) }, { t: 10, frame: new Conversation(10).client('S').packets[0].frame }];
    const atEnd = runFlows(packets).flows.map((f) => f.protocol);
    const later = runFlows([...packets, { t: 120_000, frame: udpFrame({ ...client, port: 40000 }, dns, 30) }]).flows.map((f) => f.protocol);
    expect(atEnd).toEqual(['TCP', 'UDP']);
    expect(later).toEqual(['TCP', 'UDP', 'UDP']);
  });

  it('keys packets whose addresses were rewritten after decoding by the rewritten addresses', () => {
    // The evaluation remaps addresses this way to keep captures apart: same bytes, different flows.
    const decoder = new PacketDecoder(createCaptureStats());
    const flows: TrafficRecord[] = [];
    const table = new FlowTable((record) => flows.push(record));
    const frame = udpFrame(client, dns, 40);
    ['10.99.0.1', '10.99.0.2', undefined, '10.99.0.1'].forEach((rewritten, i) => {
      decoder.decode({ data: frame, offset: 0, capturedLength: frame.length, originalLength: frame.length, timestampMs: 1000 + i, linkType: 1, interfaceId: 0 });
      if (rewritten !== undefined) decoder.packet.srcIp = rewritten;
      table.add(decoder.packet);
    });
    table.flush();
    expect(flows.map((f) => [f.srcIp, f.packetsOut]).sort()).toEqual([['10.99.0.1', 2], ['10.99.0.2', 1], [client.ip, 1]]);
  });

  it('rejects options that are not positive numbers', () => {
    expect(() => new FlowTable(() => undefined, { maxFlows: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', details: { maxFlows: 0 } }));
    expect(() => new FlowTable(() => undefined, { activeTimeoutMs: Number.POSITIVE_INFINITY })).not.toThrow();
  });

  it('honours Zeek-like default timeouts', () => {
    const { table } = runFlows([]);
    expect(table.size).toBe(0);
    const conv = new Conversation(0).handshake();
    const idle = { t: 4 * 60_000, frame: conv.packets[2].frame };
    expect(runFlows([...conv.packets, idle]).flows).toHaveLength(1);
    const tooLate = { t: 6 * 60_000, frame: conv.packets[2].frame };
    expect(runFlows([...conv.packets, tooLate]).flows).toHaveLength(2);
  });
});
