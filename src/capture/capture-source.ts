import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { TrafficRecord } from '../records/traffic-record';
import { CaptureFormat, detectCaptureFormat, SNIFF_BYTES } from './capture-format';
import { CaptureSource, CaptureStats, createCaptureStats, Frame, FrameParser, FrameSink } from './capture.types';
import { PacketDecoder } from './packet.decoder';
import { packetRecord } from './packet-record';
import { PcapParser } from './pcap.reader';
import { PcapngParser } from './pcapng.reader';

export interface OpenedCapture {
  format: CaptureFormat;
  /** The whole input, first bytes included, gzip already undone. */
  chunks: AsyncIterable<Buffer>;
}

/**
 * Reads just enough of a source to tell its format, then hands back the
 * complete byte stream. Gzip input is decompressed on the fly.
 */
export async function openCapture(source: CaptureSource): Promise<OpenedCapture> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(asBuffer(next.value));
    size += next.value.length;
  }
  if (size === 0) throw new AppError(ErrorCode.MALFORMED_CAPTURE, 'capture input is empty');
  const first = Buffer.concat(head, size);
  const format = detectCaptureFormat(first);
  const chunks = replay(first, iterator);
  return format === 'gzip' ? openCapture(gunzip(chunks)) : { format, chunks };
}

export function createFrameParser(format: CaptureFormat, stats: CaptureStats): FrameParser {
  if (format === 'pcap') return new PcapParser(stats);
  if (format === 'pcapng') return new PcapngParser(stats);
  throw new AppError(ErrorCode.MALFORMED_CAPTURE, `not a packet capture (detected format: ${format})`, { format });
}

/**
 * Feeds every chunk of a pcap/pcapng capture to `sink` frame by frame and
 * yields after each chunk, so callers can hand on what they collected while
 * memory stays at one chunk.
 */
export async function* parseFrames(capture: OpenedCapture, stats: CaptureStats, sink: FrameSink): AsyncGenerator<void> {
  const parser = createFrameParser(capture.format, stats);
  for await (const chunk of capture.chunks) {
    parser.push(chunk, sink);
    yield;
  }
  parser.end();
}

/** A captured frame with its own copy of the bytes. */
export interface CapturedPacket {
  timestampMs: number;
  linkType: number;
  interfaceId: number;
  capturedLength: number;
  originalLength: number;
  data: Buffer;
}

export interface ReadOptions {
  /** Filled while reading: pass one in to see the counters. */
  stats?: CaptureStats;
}

/** Raw frames of a pcap or pcapng stream, undecoded. */
export async function* readPackets(source: CaptureSource, options: ReadOptions = {}): AsyncGenerator<CapturedPacket> {
  const stats = options.stats ?? createCaptureStats();
  let pending: CapturedPacket[] = [];
  const sink = (frame: Frame): void => {
    pending.push(copyFrame(frame));
  };
  for await (const _ of parseFrames(await openCapture(source), stats, sink)) {
    yield* pending;
    pending = [];
  }
}

/** One TrafficRecord per decodable packet of a pcap or pcapng stream (see packetRecord). */
export async function* readPcapRecords(source: CaptureSource, options: ReadOptions = {}): AsyncGenerator<TrafficRecord> {
  const stats = options.stats ?? createCaptureStats();
  const decoder = new PacketDecoder(stats);
  let pending: TrafficRecord[] = [];
  const sink = (frame: Frame): void => {
    if (decoder.decode(frame)) pending.push(packetRecord(decoder.packet));
  };
  for await (const _ of parseFrames(await openCapture(source), stats, sink)) {
    yield* pending;
    pending = [];
  }
}

function copyFrame(frame: Frame): CapturedPacket {
  return {
    timestampMs: frame.timestampMs,
    linkType: frame.linkType,
    interfaceId: frame.interfaceId,
    capturedLength: frame.capturedLength,
    originalLength: frame.originalLength,
    data: Buffer.from(frame.data.subarray(frame.offset, frame.offset + frame.capturedLength)),
  };
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

async function* replay(first: Buffer, iterator: AsyncIterator<Uint8Array>): AsyncGenerator<Buffer> {
  try {
    yield first;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield asBuffer(next.value);
    }
  } finally {
    // Stop the source (e.g. close the file) when the consumer stops early.
    await iterator.return?.();
  }
}

/** Decompresses, turning a corrupt gzip stream into a coded error. */
async function* gunzip(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const input = Readable.from(chunks);
  const output = input.pipe(createGunzip());
  input.on('error', (err) => output.destroy(err));
  try {
    for await (const chunk of output) yield chunk as Buffer;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(ErrorCode.MALFORMED_CAPTURE, `gzip stream is corrupt: ${(err as Error).message}`);
  }
}
