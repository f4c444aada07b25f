import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { capturePipeline, CapturePipelineOptions, DEFAULT_WINDOWED_OPTIONS, detectCaptureFormat, flowFeatureNames } from '../../src/capture';
import { AppError } from '../../src/errors/app-error';
import { ErrorCode } from '../../src/errors/error-codes';
import { TrafficRecord } from '../../src/records/traffic-record';
import { bytesSource, collect } from '../helpers/pcap-streams';
import { generateTraffic } from '../helpers/pcap-traffic';
import { pcapFile, pcapHeader, pcapngFile, pcapRecord, tcpFrame, udpFrame } from '../helpers/pcap-writer';
import { zeekConnTsv } from '../helpers/zeek-conn-writer';

const traffic = [...generateTraffic({ packets: 2500, seed: 7, scanEvery: 0 })];
const mix = pcapFile({ records: traffic.map((p) => ({ timestampMs: p.timestampMs, data: p.frame })) });

async function run(bytes: Buffer | AsyncIterable<Buffer>, options: CapturePipelineOptions): Promise<{ batches: TrafficRecord[][]; stats: ReturnType<typeof capturePipeline>['stats'] }> {
  const pipeline = capturePipeline(Buffer.isBuffer(bytes) ? bytesSource(bytes, 4096) : bytes, options);
  const batches = await collect(pipeline);
  return { batches, stats: pipeline.stats };
}

async function expectCode(bytes: Buffer, options: CapturePipelineOptions, code: string): Promise<void> {
  const error = await run(bytes, options).then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
}

describe('detectCaptureFormat', () => {
  it.each([
    ['pcap, little-endian µs', 'd4c3b2a1', 'pcap'],
    ['pcap, big-endian µs', 'a1b2c3d4', 'pcap'],
    ['pcap, little-endian ns', '4d3cb2a1', 'pcap'],
    ['pcap, big-endian ns', 'a1b23c4d', 'pcap'],
    ['pcapng', '0a0d0d0a', 'pcapng'],
    ['gzip', '1f8b0800', 'gzip'],
    ['Zeek TSV', Buffer.from('#separator \\x09').toString('hex'), 'zeek-tsv'],
    ['Zeek JSON', Buffer.from('\n {"ts":1}').toString('hex'), 'zeek-json'],
    ['anything else', Buffer.from('GET / HTTP/1.1').toString('hex'), 'unknown'],
    ['too short to tell', '0a0d', 'unknown'],
  ])('%s', (_name, hex, format) => {
    expect(detectCaptureFormat(Buffer.from(hex, 'hex'))).toBe(format);
  });
});

describe('capturePipeline', () => {
  it('yields packet records in batches, with the windowed features', async () => {
    const { batches, stats } = await run(mix, { kind: 'packet', windowed: true, batchSize: 1000 });
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(stats).toMatchObject({ format: 'pcap', capture: { packets: 2500, decoded: 2500 }, flows: undefined });
    // The generated DNS payloads are zeros (no question to read): every packet has the 52 windowed features only.
    expect(batches.flat().every((r) => Object.keys(r.attributes ?? {}).length === 52)).toBe(true);
    expect(batches[1][0].attributes?.host_rate_1s).toBeGreaterThan(0);
    expect(stats.features?.hosts).toBeGreaterThan(10);
  });

  it('gives a DNS packet the length and entropy of its question name, with or without windowed features', async () => {
    const question = Buffer.concat([
      Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]),
      ...['q1x9z7k2', 'tunnel', 'example'].map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
      Buffer.from([0, 0, 16, 0, 1]),
    ]);
    const client = { ip: '192.168.1.10', port: 40000, mac: '02:00:00:00:00:0a' };
    const resolver = { ip: '192.168.1.1', port: 53, mac: '02:00:00:00:00:01' };
    const file = pcapFile({ records: [{ timestampMs: 1_000, data: udpFrame(client, resolver, question) }, { timestampMs: 1_001, data: udpFrame({ ...client, port: 40001 }, { ...resolver, port: 123 }, 48) }] });
    for (const windowed of [true, false]) {
      const [dns, ntp] = (await run(file, { kind: 'packet', windowed })).batches.flat();
      expect(dns.attributes).toMatchObject({ dns_qname_len: 'q1x9z7k2.tunnel.example'.length, dns_qname_entropy: expect.any(Number) });
      expect(ntp.attributes?.dns_qname_len).toBeUndefined();
    }
  });

  it('yields flow records with features, and the same from pcapng and gzip input', async () => {
    const options: CapturePipelineOptions = { kind: 'flow', windowed: true, batchSize: 100 };
    const plain = await run(mix, options);
    const flows = plain.batches.flat();
    expect(flows.length).toBe(plain.stats.flows?.flows);
    expect(flows.length).toBeGreaterThan(100);
    const expected = [...flowFeatureNames(DEFAULT_WINDOWED_OPTIONS.halfLivesMs), 'orig_ip_bytes', 'resp_ip_bytes'];
    expect(flows.every((f) => f.connState !== undefined && expected.every((name) => typeof f.attributes?.[name] === 'number'))).toBe(true);
    // Flows of two packets or more also get their packet rate; one-packet flows have none.
    expect(flows.every((f) => ('flow_pkt_rate' in (f.attributes ?? {})) === ((f.packetsOut ?? 0) + (f.packetsIn ?? 0) >= 2))).toBe(true);
    expect([...new Set(flows.map((f) => f.connState))]).toEqual(expect.arrayContaining(['SF', 'REJ', 'OTH']));

    const ng = pcapngFile([{ interfaces: [{ linkType: 1 }], blocks: traffic.map((p) => ({ type: 'epb' as const, interfaceId: 0, timestampMs: p.timestampMs, data: p.frame })) }]);
    expect((await run(ng, options)).batches.flat()).toEqual(flows);
    expect((await run(gzipSync(mix), options)).batches.flat()).toEqual(flows);
  });

  it('marks each batch of flows with a start no later flow goes below, held back by a flow still open', async () => {
    const host = { ip: '10.0.0.5', port: 50000 };
    const server = { ip: '10.0.0.9', port: 22 };
    const resolver = { ip: '10.0.0.53', port: 53 };
    // A session open from the first second to the last, while a DNS lookup every half second ends (60 s idle) on the way.
    const records = [
      { timestampMs: 0, data: tcpFrame(host, server, { flags: 'S', seq: 100 }) },
      { timestampMs: 1, data: tcpFrame(server, host, { flags: 'SA', seq: 900, ack: 101 }) },
      { timestampMs: 2, data: tcpFrame(host, server, { flags: 'A', seq: 101, ack: 901 }) },
    ];
    for (let t = 500; t < 180_000; t += 500) {
      records.push({ timestampMs: t, data: udpFrame({ ...host, port: 30000 + t / 500 }, resolver, 40) });
      if (t % 10_000 === 0) records.push({ timestampMs: t, data: tcpFrame(host, server, { flags: 'PA', seq: 101 + t / 10, ack: 901, payload: 100 }) });
    }
    const pipeline = capturePipeline(bytesSource(pcapFile({ records }), 4096), { kind: 'flow', windowed: false, batchSize: 20 });
    const batches = await collect(pipeline);
    const marks = batches.map((batch) => pipeline.startWatermark(batch));
    expect(batches.length).toBeGreaterThan(10);
    marks.forEach((mark, i) => {
      const later = batches.slice(i + 1).flat().map((r) => r.timestamp as number);
      expect(Math.min(Infinity, ...later)).toBeGreaterThanOrEqual(mark);
    });
    // The session's start holds every lookup back until the end, and the lookups' own order follows.
    expect(marks.slice(0, -1).every((m) => m <= 0)).toBe(true);
    const alone = capturePipeline(bytesSource(pcapFile({ records: records.filter((r) => r.timestampMs > 2 && r.timestampMs % 10_000 !== 0) }), 4096), { kind: 'flow', windowed: false, batchSize: 20 });
    const marksAlone = (await collect(alone)).map((batch) => alone.startWatermark(batch));
    expect(marksAlone.filter((m) => m > 0).length).toBeGreaterThan(marksAlone.length / 2);
  });

  it('gives the same flows and features when the capture arrives one byte at a time', async () => {
    const small = pcapFile({ records: traffic.slice(0, 150).map((p) => ({ timestampMs: p.timestampMs, data: p.frame })) });
    const options: CapturePipelineOptions = { kind: 'flow', windowed: true };
    const whole = (await run(small, options)).batches.flat();
    expect((await run(bytesSource(small, 1), options)).batches.flat()).toEqual(whole);
  });

  it('reads a Zeek conn.log as flows, with features', async () => {
    const log = zeekConnTsv([{ ts: '1600000000.5', 'id.orig_h': '10.0.0.1', 'id.orig_p': '1234', 'id.resp_h': '10.0.0.2', 'id.resp_p': '80', proto: 'tcp', duration: '1.5', orig_ip_bytes: '400', resp_ip_bytes: '900', label: 'Benign' }]);
    const { batches, stats } = await run(log, { kind: 'flow', windowed: true });
    expect(stats.format).toBe('zeek-tsv');
    expect(stats.zeek).toEqual({ lines: 1, records: 1, malformed: {} });
    expect(batches[0][0]).toMatchObject({ srcIp: '10.0.0.1', label: 'Benign', attributes: { orig_ip_bytes: 400, host_size_mean_1s: 1300 } });
  });

  it('refuses packet records from a Zeek log, and input that is no capture at all', async () => {
    await expectCode(zeekConnTsv([]), { kind: 'packet', windowed: false }, ErrorCode.CAPTURE_ERROR);
    await expectCode(Buffer.from('hello, world\n'), { kind: 'packet', windowed: false }, ErrorCode.MALFORMED_CAPTURE);
    await expectCode(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8]), { kind: 'flow', windowed: false }, ErrorCode.MALFORMED_CAPTURE);
  });

  it('hands out partial batches of a live stream as packets arrive', async () => {
    const live = new PassThrough();
    const pipeline = capturePipeline(live, { kind: 'packet', windowed: false, maxBatchDelayMs: 0 });
    const iterator = pipeline[Symbol.asyncIterator]();
    const frame = tcpFrame({ ip: '10.0.0.1', port: 1 }, { ip: '10.0.0.2', port: 2 }, { flags: 'S' });
    live.write(pcapHeader({}));
    live.write(pcapRecord({ timestampMs: 1, data: frame }));
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(first.value).toHaveLength(1);
    live.write(pcapRecord({ timestampMs: 2, data: frame }));
    live.end();
    const rest = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(...next.value);
    expect(rest).toHaveLength(1);
  });

  it('gives a scanning host a far higher port fan-out than the others', async () => {
    const scanTraffic = [...generateTraffic({ packets: 6000, seed: 3, scanEvery: 300 })];
    const file = pcapFile({ records: scanTraffic.map((p) => ({ timestampMs: p.timestampMs, data: p.frame })) });
    const records = (await run(file, { kind: 'packet', windowed: true })).batches.flat();
    const peak = new Map<string, number>();
    for (const r of records) peak.set(r.srcIp!, Math.max(peak.get(r.srcIp!) ?? 0, Number(r.attributes?.host_fanout_ports_1m)));
    const ranked = [...peak.values()].sort((x, y) => y - x);
    expect(ranked[0]).toBeGreaterThan(100);
    expect(ranked[0]).toBeGreaterThan(10 * ranked[2]);
  });
});
