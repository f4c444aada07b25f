import { createCaptureStats, readPackets, readPcapRecords } from '../../src/capture';
import { AppError } from '../../src/errors/app-error';
import { ErrorCode } from '../../src/errors/error-codes';
import { bytesSource, collect, splitSource } from '../helpers/pcap-streams';
import { ByteOrder, pcapFile, PcapRecord, pcapHeader, pcapRecord, tcpFrame, udpFrame } from '../helpers/pcap-writer';

const client = { ip: '192.168.1.10', port: 51000, mac: '02:00:00:00:00:0a' };
const server = { ip: '93.184.216.34', port: 443, mac: '02:00:00:00:00:fe' };

const records: PcapRecord[] = [
  { timestampMs: 1_700_000_000_123.456, data: tcpFrame(client, server, { flags: 'S', seq: 1 }) },
  { timestampMs: 1_700_000_000_200.001, data: tcpFrame(server, client, { flags: 'SA', seq: 9, ack: 2 }) },
  { timestampMs: 1_700_000_001_000, data: udpFrame(client, { ip: '192.168.1.1', port: 53 }, 40) },
];

async function expectMalformed(bytes: Buffer): Promise<AppError> {
  const error = await collect(readPackets(bytesSource(bytes))).then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(ErrorCode.MALFORMED_CAPTURE);
  return error as AppError;
}

describe('classic pcap reader', () => {
  describe.each<[ByteOrder, 'us' | 'ns']>([['le', 'us'], ['be', 'us'], ['le', 'ns'], ['be', 'ns']])('%s-endian, %s', (byteOrder, precision) => {
    const file = pcapFile({ byteOrder, precision, records });

    it('reads every frame with its timestamp, lengths and bytes', async () => {
      const packets = await collect(readPackets(bytesSource(file)));
      expect(packets).toHaveLength(3);
      packets.forEach((packet, i) => {
        expect(packet.timestampMs).toBeCloseTo(records[i].timestampMs, 3);
        expect(packet.linkType).toBe(1);
        expect(packet.capturedLength).toBe(records[i].data.length);
        expect(packet.originalLength).toBe(records[i].data.length);
        expect(packet.data.equals(records[i].data)).toBe(true);
      });
    });

    it('decodes the packets into records', async () => {
      const decoded = await collect(readPcapRecords(bytesSource(file)));
      expect(decoded.map((r) => [r.srcIp, r.srcPort, r.destIp, r.destPort, r.protocol, r.tcpFlags])).toEqual([
        ['192.168.1.10', 51000, '93.184.216.34', 443, 'TCP', 'S'],
        ['93.184.216.34', 443, '192.168.1.10', 51000, 'TCP', 'SA'],
        ['192.168.1.10', 51000, '192.168.1.1', 53, 'UDP', undefined],
      ]);
    });
  });

  it('gives the same frames however the stream is chunked, down to one byte at a time', async () => {
    const file = pcapFile({ records });
    const whole = await collect(readPackets(bytesSource(file)));
    const byByte = await collect(readPackets(bytesSource(file, 1)));
    const ragged = await collect(readPackets(splitSource(file, [3, 23, 24, 30, 39, 40, 120, 121])));
    expect(byByte).toEqual(whole);
    expect(ragged).toEqual(whole);
  });

  it('decodes a frame the snap length cut, with the size from the IP header', async () => {
    const frame = tcpFrame(client, server, { flags: 'PA', payload: 1000 });
    const file = pcapFile({ snaplen: 64, records: [{ timestampMs: 1, data: frame.subarray(0, 64), originalLength: frame.length }] });
    const [record] = await collect(readPcapRecords(bytesSource(file)));
    expect(record.packetSize).toBe(frame.length - 14);
  });

  it('rejects a file with a bad magic number as MALFORMED_CAPTURE', async () => {
    const file = pcapFile({ records });
    file.writeUInt32LE(0xdeadbeef, 0);
    const error = await expectMalformed(file);
    expect(error.details).toEqual({ format: 'unknown' });
  });

  it('rejects a truncated file header and empty input as MALFORMED_CAPTURE', async () => {
    await expectMalformed(pcapFile({ records }).subarray(0, 20));
    await expectMalformed(Buffer.alloc(0));
  });

  it('counts a truncated last record and keeps the packets before it', async () => {
    const file = pcapFile({ records });
    const stats = createCaptureStats();
    const packets = await collect(readPackets(bytesSource(file.subarray(0, file.length - 5)), { stats }));
    expect(packets).toHaveLength(2);
    expect(stats.packets).toBe(3);
    expect(stats.malformed).toEqual({ truncated_record: 1 });
  });

  it('counts a record claiming more than the snap length, and reads on', async () => {
    const big = Buffer.alloc(200, 1);
    const file = pcapFile({ snaplen: 128, records: [{ timestampMs: 1, data: big }, ...records] });
    const stats = createCaptureStats();
    const packets = await collect(readPackets(bytesSource(file), { stats }));
    expect(packets).toHaveLength(3);
    expect(stats.malformed).toEqual({ caplen_exceeds_snaplen: 1 });
  });

  it('stops at a record length no capture can have, without waiting for the bytes', async () => {
    const file = Buffer.concat([
      pcapHeader({}),
      pcapRecord(records[0]),
      pcapRecord({ timestampMs: 2, data: Buffer.alloc(8), capturedLength: 0x7fff_fff0 }),
      pcapRecord(records[1]),
    ]);
    const stats = createCaptureStats();
    const packets = await collect(readPackets(bytesSource(file, 7), { stats }));
    expect(packets).toHaveLength(1);
    expect(stats.malformed).toEqual({ record_length_out_of_range: 1 });
  });

  it('counts frames of an unknown link type instead of decoding them', async () => {
    const file = pcapFile({ linkType: 147, records });
    const stats = createCaptureStats();
    expect(await collect(readPcapRecords(bytesSource(file), { stats }))).toEqual([]);
    expect(stats).toMatchObject({ packets: 3, decoded: 0, unknownLinkType: 3 });
  });
});
