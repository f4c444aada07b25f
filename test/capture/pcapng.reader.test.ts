import { createCaptureStats, LinkType, readPackets, readPcapRecords } from '../../src/capture';
import { AppError } from '../../src/errors/app-error';
import { ErrorCode } from '../../src/errors/error-codes';
import { bytesSource, collect } from '../helpers/pcap-streams';
import {
  ETHERTYPE_IPV4, ipv4, linuxSll2, pcapngFile, PcapngSection, PROTO_UDP, tcpFrame, udp,
} from '../helpers/pcap-writer';

const a = { ip: '10.0.0.1', port: 40000, mac: '02:00:00:00:00:01' };
const b = { ip: '10.0.0.2', port: 80, mac: '02:00:00:00:00:02' };
const rawUdp = ipv4({ src: '10.9.9.9', dst: '10.8.8.8', protocol: PROTO_UDP, payload: udp({ srcPort: 5353, dstPort: 5353, payload: 20 }) });
const cooked = linuxSll2({ srcMac: '02:00:00:00:00:33', protocol: ETHERTYPE_IPV4, payload: rawUdp });

const t0 = 1_700_000_000_000.25;

/** LE section with Ethernet (µs) and raw IP (ns) interfaces, then a BE section with one SLL2 interface (2^-20 s, offset). */
const sections: PcapngSection[] = [
  {
    byteOrder: 'le',
    interfaces: [{ linkType: LinkType.ETHERNET }, { linkType: LinkType.RAW, tsresol: 9 }],
    blocks: [
      { type: 'epb', interfaceId: 0, timestampMs: t0, data: tcpFrame(a, b, { flags: 'S' }) },
      { type: 'custom', blockType: 0x0bad, body: Buffer.alloc(12, 7) },
      { type: 'epb', interfaceId: 1, timestampMs: t0 + 1.5, data: rawUdp },
      { type: 'spb', data: tcpFrame(b, a, { flags: 'SA' }) },
    ],
  },
  {
    byteOrder: 'be',
    interfaces: [{ linkType: LinkType.LINUX_SLL2, tsresol: 0x80 | 20, tsoffsetSeconds: 100 }],
    blocks: [{ type: 'epb', interfaceId: 0, timestampMs: 5_000, data: cooked }],
  },
];

async function expectMalformed(bytes: Buffer): Promise<void> {
  const error = await collect(readPackets(bytesSource(bytes))).then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(ErrorCode.MALFORMED_CAPTURE);
}

function epb(interfaceId: number, data: Buffer, extra: { capturedLength?: number } = {}): PcapngSection['blocks'][number] {
  return { type: 'epb', interfaceId, timestampMs: t0, data, ...extra };
}

describe('pcapng reader', () => {
  const file = pcapngFile(sections);

  it('reads sections of both byte orders, per-interface link types and timestamp resolutions', async () => {
    const packets = await collect(readPackets(bytesSource(file)));
    expect(packets.map((p) => [p.interfaceId, p.linkType])).toEqual([[0, 1], [1, 101], [0, 1], [0, 276]]);
    expect(packets[0].timestampMs).toBeCloseTo(t0, 3);
    expect(packets[1].timestampMs).toBeCloseTo(t0 + 1.5, 3);
    // A Simple Packet Block has no timestamp: it inherits the previous one.
    expect(packets[2].timestampMs).toBeCloseTo(t0 + 1.5, 3);
    expect(packets[3].timestampMs).toBeCloseTo(100_000 + 5_000, 2);
    expect(packets[3].data.equals(cooked)).toBe(true);
  });

  it('decodes each interface with its own link layer', async () => {
    const records = await collect(readPcapRecords(bytesSource(file)));
    expect(records.map((r) => [r.srcIp, r.destIp, r.protocol, r.tcpFlags, r.srcMac])).toEqual([
      ['10.0.0.1', '10.0.0.2', 'TCP', 'S', '02:00:00:00:00:01'],
      ['10.9.9.9', '10.8.8.8', 'UDP', undefined, undefined],
      ['10.0.0.2', '10.0.0.1', 'TCP', 'SA', '02:00:00:00:00:02'],
      ['10.9.9.9', '10.8.8.8', 'UDP', undefined, '02:00:00:00:00:33'],
    ]);
  });

  it('gives the same frames when fed one byte at a time', async () => {
    expect(await collect(readPackets(bytesSource(file, 1)))).toEqual(await collect(readPackets(bytesSource(file))));
  });

  it('forgets the interfaces of the previous section at a new section header', async () => {
    const stats = createCaptureStats();
    const twoSections = pcapngFile([
      { interfaces: [{ linkType: 1 }, { linkType: 1 }], blocks: [epb(1, tcpFrame(a, b, { flags: 'S' }))] },
      { interfaces: [{ linkType: 1 }], blocks: [epb(1, tcpFrame(a, b, { flags: 'A' })), epb(0, tcpFrame(a, b, { flags: 'A' }))] },
    ]);
    expect(await collect(readPackets(bytesSource(twoSections), { stats }))).toHaveLength(2);
    expect(stats.malformed).toEqual({ unknown_interface: 1 });
  });

  it('counts packets that do not fit their block or exceed the snap length, and reads on', async () => {
    const stats = createCaptureStats();
    const frame = tcpFrame(a, b, { flags: 'S' });
    const bytes = pcapngFile([{
      interfaces: [{ linkType: 1, snaplen: 40 }],
      blocks: [epb(0, frame, { capturedLength: frame.length + 100 }), epb(0, frame), epb(0, frame.subarray(0, 40))],
    }]);
    expect(await collect(readPackets(bytesSource(bytes), { stats }))).toHaveLength(1);
    expect(stats.malformed).toEqual({ caplen_exceeds_block: 1, caplen_exceeds_snaplen: 1 });
  });

  it('skips a block too short for its type and one whose trailing length disagrees', async () => {
    const stats = createCaptureStats();
    const shortEpb = Buffer.alloc(16);
    shortEpb.writeUInt32LE(6, 0);
    shortEpb.writeUInt32LE(16, 4);
    shortEpb.writeUInt32LE(16, 12);
    const mismatched = Buffer.from(shortEpb);
    mismatched.writeUInt32LE(20, 12);
    const bytes = pcapngFile([{
      interfaces: [{ linkType: 1 }],
      blocks: [{ type: 'raw', bytes: shortEpb }, { type: 'raw', bytes: mismatched }, epb(0, tcpFrame(a, b, { flags: 'S' }))],
    }]);
    expect(await collect(readPackets(bytesSource(bytes), { stats }))).toHaveLength(1);
    expect(stats.malformed).toEqual({ short_block: 1, block_length_mismatch: 1 });
  });

  it('stops at a zero-length block: the rest cannot be framed', async () => {
    const stats = createCaptureStats();
    const zero = Buffer.alloc(12);
    zero.writeUInt32LE(6, 0);
    const bytes = pcapngFile([{
      interfaces: [{ linkType: 1 }],
      blocks: [epb(0, tcpFrame(a, b, { flags: 'S' })), { type: 'raw', bytes: zero }, epb(0, tcpFrame(a, b, { flags: 'A' }))],
    }]);
    expect(await collect(readPackets(bytesSource(bytes, 5), { stats }))).toHaveLength(1);
    expect(stats.malformed).toEqual({ bad_block_length: 1 });
  });

  it('counts a truncated last block', async () => {
    const stats = createCaptureStats();
    expect(await collect(readPackets(bytesSource(file.subarray(0, file.length - 3)), { stats }))).toHaveLength(3);
    expect(stats.malformed).toEqual({ truncated_block: 1 });
  });

  it('rejects a truncated section header or a bad byte-order magic as MALFORMED_CAPTURE', async () => {
    await expectMalformed(file.subarray(0, 8));
    await expectMalformed(file.subarray(0, 20));
    const badMagic = Buffer.from(file);
    badMagic.writeUInt32LE(0x12345678, 8);
    await expectMalformed(badMagic);
  });
});
