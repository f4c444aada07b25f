/**
 * Cross-checks the capture layer against Wireshark's tshark on fixtures made
 * here: per-packet addresses, ports, sizes and times, and per-conversation
 * packet counts. Skipped (with the reason printed) where tshark is missing,
 * except under CI=true, where the CI script installs it and a missing tshark
 * is a failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { capturePipeline, LinkType, readPcapRecords } from '../../src/capture';
import { bytesSource, collect } from '../helpers/pcap-streams';
import { generateTraffic } from '../helpers/pcap-traffic';
import {
  ETHERTYPE_IPV4, ETHERTYPE_IPV6, ethernet, ipv4, ipv6, linuxSll2, pcapFile, pcapngFile, PROTO_TCP, PROTO_UDP, tcp, udp,
} from '../helpers/pcap-writer';

const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const requireTshark = process.env.CI === 'true';
if (!hasTshark && !requireTshark) {
  console.log('Skipping the tshark cross-check: tshark is not installed (apt-get install -y tshark).');
}
const describeWithTshark = hasTshark || requireTshark ? describe : describe.skip;

const traffic = [...generateTraffic({ packets: 4000, seed: 11, scanEvery: 150 })];
const records = traffic.map((p) => ({ timestampMs: p.timestampMs, data: p.frame }));

/** Formats and link types beyond plain Ethernet: VLAN, Linux cooked v2 and raw IPv6 on one pcapng. */
function mixedLinkPcapng(): Buffer {
  const tcp4 = ipv4({ src: '10.1.1.1', dst: '10.2.2.2', protocol: PROTO_TCP, payload: tcp({ srcPort: 1234, dstPort: 80, flags: 'PA', payload: 77 }) });
  const udp6 = ipv6({ src: '2001:db8::5', dst: '2001:db8::53', nextHeader: PROTO_UDP, payload: udp({ srcPort: 5353, dstPort: 53, payload: 33 }) });
  return pcapngFile([
    {
      byteOrder: 'be',
      interfaces: [{ linkType: LinkType.ETHERNET, tsresol: 9 }, { linkType: LinkType.LINUX_SLL2 }, { linkType: LinkType.RAW }],
      blocks: [
        { type: 'epb', interfaceId: 0, timestampMs: 1_600_000_000_000.125, data: ethernet({ vlans: [7, 8], vlanTpids: [0x88a8, 0x8100], etherType: ETHERTYPE_IPV4, payload: tcp4 }) },
        { type: 'epb', interfaceId: 1, timestampMs: 1_600_000_000_001.5, data: linuxSll2({ protocol: ETHERTYPE_IPV6, payload: udp6 }) },
        { type: 'epb', interfaceId: 2, timestampMs: 1_600_000_000_002.75, data: udp6 },
        { type: 'epb', interfaceId: 0, timestampMs: 1_600_000_000_003, data: ethernet({ etherType: ETHERTYPE_IPV6, payload: udp6 }) },
      ],
    },
  ]);
}

function tshark(file: string, args: string[]): string {
  const result = spawnSync('tshark', ['-r', file, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`tshark failed: ${result.stderr}`);
  return result.stdout;
}

/** One line per packet: src, dst, ports (TCP/UDP only), IP length, time in µs. */
function tsharkPackets(file: string): string[] {
  const fields = ['ip.src', 'ipv6.src', 'arp.src.proto_ipv4', 'ip.dst', 'ipv6.dst', 'arp.dst.proto_ipv4', 'tcp.srcport', 'udp.srcport', 'tcp.dstport', 'udp.dstport', 'ip.len', 'ipv6.plen', 'frame.len', 'frame.time_epoch'];
  const out = tshark(file, ['-T', 'fields', '-E', 'separator=/t', ...fields.flatMap((f) => ['-e', f])]);
  return out.trimEnd().split('\n').map((line) => {
    const c = line.split('\t').map((v) => v.split(',')[0]);
    const ipLength = c[10] || (c[11] ? String(40 + Number(c[11])) : c[12]);
    return [c[0] || c[1] || c[2], c[3] || c[4] || c[5], c[6] || c[7], c[8] || c[9], ipLength, Math.round(Number(c[13]) * 1e6)].join(' ');
  });
}

async function ourPackets(bytes: Buffer): Promise<string[]> {
  const decoded = await collect(readPcapRecords(bytesSource(bytes)));
  return decoded.map((r) => {
    const ports = r.protocol === 'TCP' || r.protocol === 'UDP' ? [r.srcPort, r.destPort] : ['', ''];
    return [r.srcIp, r.destIp, ...ports, r.packetSize, Math.round((r.timestamp ?? 0) * 1000)].join(' ');
  });
}

/** `tshark -z conv,<proto>` as sorted "endpoint endpoint frames" lines (endpoint order normalised). */
function tsharkConversations(file: string, proto: 'tcp' | 'udp'): string[] {
  const lines = tshark(file, ['-q', '-z', `conv,${proto}`]).split('\n').filter((l) => l.includes('<->'));
  return lines.map((line) => {
    const [a, , b] = line.trim().split(/\s+/);
    // Each direction and the total read "<frames> <bytes> <unit>"; the unit varies (bytes, kB, MB).
    const counts = [...line.matchAll(/(\d+)\s+[\d.]+\s+(?:bytes|kB|MB|GB)/g)];
    return `${[a, b].sort().join(' ')} ${counts[2][1]}`;
  }).sort();
}

async function ourConversations(bytes: Buffer, protocol: string): Promise<string[]> {
  const flows = (await collect(capturePipeline(bytesSource(bytes), { kind: 'flow', windowed: false }))).flat();
  return flows.filter((f) => f.protocol === protocol).map((f) => {
    const ends = [`${f.srcIp}:${f.srcPort}`, `${f.destIp}:${f.destPort}`].sort();
    return `${ends.join(' ')} ${(f.packetsOut ?? 0) + (f.packetsIn ?? 0)}`;
  }).sort();
}

describeWithTshark('cross-check with tshark', () => {
  let dir = '';

  beforeAll(() => {
    if (!hasTshark) throw new Error('CI=true: tshark must be installed for the capture cross-check');
    dir = mkdtempSync(path.join(tmpdir(), 'netsentinel-tshark-'));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function fixture(name: string, bytes: Buffer): string {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return file;
  }

  it.each([
    ['pcap, little-endian µs', () => pcapFile({ records })],
    ['pcap, big-endian ns', () => pcapFile({ records, byteOrder: 'be', precision: 'ns' })],
    ['pcapng, several interfaces', () => pcapngFile([{ interfaces: [{ linkType: 1 }, { linkType: 1, tsresol: 9 }], blocks: records.map((r, i) => ({ type: 'epb' as const, interfaceId: i % 2, ...r })) }])],
    ['pcapng, VLAN + Linux cooked v2 + raw IPv6', mixedLinkPcapng],
  ])('decodes every packet of %s as tshark does', async (name, build) => {
    const bytes = build();
    const file = fixture(`${name.replace(/\W+/g, '-')}.cap`, bytes);
    expect(await ourPackets(bytes)).toEqual(tsharkPackets(file));
  });

  it('finds the same TCP and UDP conversations with the same packet counts', async () => {
    const bytes = pcapFile({ records });
    const file = fixture('conversations.pcap', bytes);
    const tcpConversations = tsharkConversations(file, 'tcp');
    expect(tcpConversations.length).toBeGreaterThan(100);
    expect(await ourConversations(bytes, 'TCP')).toEqual(tcpConversations);
    expect(await ourConversations(bytes, 'UDP')).toEqual(tsharkConversations(file, 'udp'));
  });
});
