import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { Bytes } from './bytes';
import { PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS } from './capture-format';
import { CaptureStats, countReason, Frame, FrameParser, FrameSink } from './capture.types';
import { ChunkBuffer } from './chunk-buffer';

// Used per packet: copied out of the imported object once (see bytes.ts).
const { u32be, u32le } = Bytes;

const FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
/** libpcap's own ceiling, assumed when a file declares snaplen 0. */
const DEFAULT_SNAPLEN = 262_144;
/**
 * A record longer than this means the file is out of sync (garbage length):
 * waiting for it would buffer without bound, so the rest of the input is dropped.
 */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

interface PcapHeader {
  littleEndian: boolean;
  /** Sub-second field unit per millisecond: 1e3 for microseconds, 1e6 for nanoseconds. */
  fractionPerMs: number;
  snaplen: number;
  linkType: number;
}

/** Streaming reader of classic libpcap files (both byte orders, micro- and nanosecond magic). */
export class PcapParser implements FrameParser {
  private readonly chunks = new ChunkBuffer(FILE_HEADER_BYTES);
  private header: PcapHeader | undefined;
  private stopped = false;
  private readonly frame: Frame = {
    data: Buffer.alloc(0), offset: 0, capturedLength: 0, originalLength: 0, timestampMs: 0, linkType: 0, interfaceId: 0,
  };

  constructor(private readonly stats: CaptureStats) {}

  push(chunk: Buffer, sink: FrameSink): void {
    for (let input: Buffer | undefined = chunk; input && !this.stopped; input = this.chunks.remainder()) {
      const buf = this.chunks.next(input);
      if (buf) this.parse(buf, sink);
    }
  }

  end(): void {
    if (this.stopped) return;
    if (!this.header) {
      throw new AppError(ErrorCode.MALFORMED_CAPTURE, 'pcap file header is truncated', {
        bytes: this.chunks.pending, expected: FILE_HEADER_BYTES,
      });
    }
    if (this.chunks.pending > 0) {
      this.stats.packets++;
      countReason(this.stats.malformed, 'truncated_record');
    }
  }

  private parse(buf: Buffer, sink: FrameSink): void {
    let offset = 0;
    if (!this.header) {
      this.header = parseFileHeader(buf);
      this.frame.linkType = this.header.linkType;
      offset = FILE_HEADER_BYTES;
    }
    for (;;) {
      const consumed = this.readRecord(this.header, buf, offset, sink);
      if (consumed <= 0) {
        if (consumed === 0) this.chunks.keep(buf, offset, this.bytesNeeded(this.header, buf, offset));
        return;
      }
      offset += consumed;
    }
  }

  /** Bytes consumed; 0 when the record is incomplete; -1 when the stream was abandoned. */
  private readRecord(header: PcapHeader, buf: Buffer, offset: number, sink: FrameSink): number {
    if (buf.length - offset < RECORD_HEADER_BYTES) return 0;
    const capturedLength = readU32(buf, offset + 8, header.littleEndian);
    if (capturedLength > MAX_RECORD_BYTES) {
      this.abandon('record_length_out_of_range');
      return -1;
    }
    const total = RECORD_HEADER_BYTES + capturedLength;
    if (buf.length - offset < total) return 0;
    this.stats.packets++;
    if (capturedLength > header.snaplen) {
      countReason(this.stats.malformed, 'caplen_exceeds_snaplen');
      return total;
    }
    const frame = this.frame;
    const seconds = readU32(buf, offset, header.littleEndian);
    const fraction = readU32(buf, offset + 4, header.littleEndian);
    frame.timestampMs = seconds * 1000 + fraction / header.fractionPerMs;
    frame.data = buf;
    frame.offset = offset + RECORD_HEADER_BYTES;
    frame.capturedLength = capturedLength;
    frame.originalLength = Math.max(readU32(buf, offset + 12, header.littleEndian), capturedLength);
    sink(frame);
    return total;
  }

  private bytesNeeded(header: PcapHeader, buf: Buffer, offset: number): number {
    if (buf.length - offset < RECORD_HEADER_BYTES) return RECORD_HEADER_BYTES;
    return RECORD_HEADER_BYTES + readU32(buf, offset + 8, header.littleEndian);
  }

  private abandon(reason: string): void {
    this.stats.packets++;
    countReason(this.stats.malformed, reason);
    this.stopped = true;
  }
}

function parseFileHeader(buf: Buffer): PcapHeader {
  const le = u32le(buf, 0);
  const be = u32be(buf, 0);
  const magic = le === PCAP_MAGIC_MICROS || le === PCAP_MAGIC_NANOS ? le : be;
  if (magic !== PCAP_MAGIC_MICROS && magic !== PCAP_MAGIC_NANOS) {
    throw new AppError(ErrorCode.MALFORMED_CAPTURE, 'not a pcap file: bad magic number', {
      magic: buf.subarray(0, 4).toString('hex'),
    });
  }
  const littleEndian = magic === le;
  const snaplen = readU32(buf, 16, littleEndian);
  return {
    littleEndian,
    fractionPerMs: magic === PCAP_MAGIC_NANOS ? 1e6 : 1e3,
    snaplen: snaplen === 0 ? DEFAULT_SNAPLEN : snaplen,
    // The upper 16 bits carry FCS information, not the link type.
    linkType: readU32(buf, 20, littleEndian) & 0xffff,
  };
}

function readU32(buf: Buffer, offset: number, littleEndian: boolean): number {
  return littleEndian ? u32le(buf, offset) : u32be(buf, offset);
}
