import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { Bytes } from './bytes';
import { PCAPNG_SHB_TYPE } from './capture-format';
import { CaptureStats, countReason, Frame, FrameParser, FrameSink } from './capture.types';
import { ChunkBuffer } from './chunk-buffer';
import { MAX_RECORD_BYTES } from './pcap.reader';

// Used per packet: copied out of the imported object once (see bytes.ts).
const { u16be, u16le, u32be, u32le } = Bytes;

const BLOCK_IDB = 0x00000001;
const BLOCK_OBSOLETE_PACKET = 0x00000002;
const BLOCK_SPB = 0x00000003;
const BLOCK_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Type, length and trailing length: the smallest well-formed block. */
const MIN_BLOCK_BYTES = 12;
const MIN_SHB_BYTES = 28;
const MIN_IDB_BYTES = 20;
const MIN_EPB_BYTES = 32;
const MIN_SPB_BYTES = 16;

const OPT_END = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

interface PcapngInterface {
  linkType: number;
  /** 0 means "no limit". */
  snaplen: number;
  /** Timestamp units per millisecond (if_tsresol; microseconds by default). */
  unitsPerMs: number;
  /** if_tsoffset in milliseconds. */
  offsetMs: number;
}

/** Interface placeholder for a malformed IDB, so later interface ids keep their numbering. */
const BROKEN_INTERFACE: PcapngInterface = { linkType: -1, snaplen: 0, unitsPerMs: 1000, offsetMs: 0 };

/**
 * Streaming reader of pcapng: any number of sections in either byte order,
 * interfaces with their own link type and timestamp resolution, Enhanced,
 * Simple and obsolete Packet Blocks. Other blocks are skipped.
 */
export class PcapngParser implements FrameParser {
  private readonly chunks = new ChunkBuffer(MIN_BLOCK_BYTES);
  private littleEndian = true;
  private sawSectionHeader = false;
  private interfaces: PcapngInterface[] = [];
  /** Simple Packet Blocks carry no timestamp: they inherit the last one seen. */
  private lastTimestampMs = 0;
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
    if (!this.sawSectionHeader) {
      throw new AppError(ErrorCode.MALFORMED_CAPTURE, 'pcapng section header block is truncated', {
        bytes: this.chunks.pending,
      });
    }
    if (this.chunks.pending > 0) countReason(this.stats.malformed, 'truncated_block');
  }

  private parse(buf: Buffer, sink: FrameSink): void {
    let offset = 0;
    for (;;) {
      const consumed = this.readBlock(buf, offset, sink);
      if (consumed <= 0) {
        if (consumed === 0) this.chunks.keep(buf, offset, this.bytesNeeded(buf, offset));
        return;
      }
      offset += consumed;
    }
  }

  /** Bytes consumed; 0 when the block is incomplete; -1 when the stream was abandoned. */
  private readBlock(buf: Buffer, offset: number, sink: FrameSink): number {
    if (buf.length - offset < MIN_BLOCK_BYTES) return 0;
    const type = this.u32(buf, offset);
    if (type === PCAPNG_SHB_TYPE && !this.startSection(buf, offset)) return -1;
    const length = this.u32(buf, offset + 4);
    if (length < MIN_BLOCK_BYTES || length % 4 !== 0 || length > MAX_RECORD_BYTES) {
      // Without a trustworthy length the next block cannot be found.
      this.abandon('bad_block_length');
      return -1;
    }
    if (buf.length - offset < length) return 0;
    if (this.u32(buf, offset + length - 4) !== length) {
      countReason(this.stats.malformed, 'block_length_mismatch');
      return length;
    }
    this.handleBlock(type, buf, offset, length, sink);
    return length;
  }

  private handleBlock(type: number, buf: Buffer, offset: number, length: number, sink: FrameSink): void {
    switch (type) {
      case PCAPNG_SHB_TYPE:
        if (length < MIN_SHB_BYTES) countReason(this.stats.malformed, 'short_block');
        this.sawSectionHeader = true;
        return;
      case BLOCK_IDB:
        this.addInterface(buf, offset, length);
        return;
      case BLOCK_EPB:
      case BLOCK_OBSOLETE_PACKET:
        this.enhancedPacket(type, buf, offset, length, sink);
        return;
      case BLOCK_SPB:
        this.simplePacket(buf, offset, length, sink);
        return;
      default:
        return; // name resolution, statistics, secrets, custom blocks: nothing for traffic records
    }
  }

  /** Switches byte order and forgets the previous section's interfaces. */
  private startSection(buf: Buffer, offset: number): boolean {
    const bom = u32le(buf, offset + 8);
    if (bom !== BYTE_ORDER_MAGIC && u32be(buf, offset + 8) !== BYTE_ORDER_MAGIC) {
      if (!this.sawSectionHeader) {
        throw new AppError(ErrorCode.MALFORMED_CAPTURE, 'not a pcapng file: bad byte-order magic', {
          magic: buf.subarray(offset + 8, offset + 12).toString('hex'),
        });
      }
      this.abandon('bad_section_header');
      return false;
    }
    this.littleEndian = bom === BYTE_ORDER_MAGIC;
    this.interfaces = [];
    return true;
  }

  private addInterface(buf: Buffer, offset: number, length: number): void {
    if (length < MIN_IDB_BYTES) {
      countReason(this.stats.malformed, 'short_block');
      this.interfaces.push(BROKEN_INTERFACE);
      return;
    }
    const iface: PcapngInterface = {
      linkType: this.u16(buf, offset + 8),
      snaplen: this.u32(buf, offset + 12),
      unitsPerMs: 1000,
      offsetMs: 0,
    };
    this.readInterfaceOptions(iface, buf, offset + 16, offset + length - 4);
    this.interfaces.push(iface);
  }

  private readInterfaceOptions(iface: PcapngInterface, buf: Buffer, start: number, end: number): void {
    for (let pos = start; pos + 4 <= end; ) {
      const code = this.u16(buf, pos);
      const length = this.u16(buf, pos + 2);
      if (code === OPT_END || pos + 4 + length > end) return;
      if (code === OPT_IF_TSRESOL && length >= 1) iface.unitsPerMs = unitsPerSecond(buf[pos + 4]) / 1000;
      if (code === OPT_IF_TSOFFSET && length >= 8) iface.offsetMs = this.i64(buf, pos + 4) * 1000;
      pos += 4 + ((length + 3) & ~3);
    }
  }

  private enhancedPacket(type: number, buf: Buffer, offset: number, length: number, sink: FrameSink): void {
    this.stats.packets++;
    if (length < MIN_EPB_BYTES) return countReason(this.stats.malformed, 'short_block');
    // The obsolete Packet Block has a 16-bit interface id followed by a drops count.
    const interfaceId = type === BLOCK_EPB ? this.u32(buf, offset + 8) : this.u16(buf, offset + 8);
    const iface = this.interfaces[interfaceId];
    if (!iface) return countReason(this.stats.malformed, 'unknown_interface');
    const capturedLength = this.u32(buf, offset + 20);
    if (capturedLength > length - MIN_EPB_BYTES) return countReason(this.stats.malformed, 'caplen_exceeds_block');
    if (iface.snaplen > 0 && capturedLength > iface.snaplen) {
      return countReason(this.stats.malformed, 'caplen_exceeds_snaplen');
    }
    const units = this.u32(buf, offset + 12) * 4294967296 + this.u32(buf, offset + 16);
    this.lastTimestampMs = units / iface.unitsPerMs + iface.offsetMs;
    this.emit(sink, buf, offset + 28, capturedLength, this.u32(buf, offset + 24), iface, interfaceId);
  }

  private simplePacket(buf: Buffer, offset: number, length: number, sink: FrameSink): void {
    this.stats.packets++;
    if (length < MIN_SPB_BYTES) return countReason(this.stats.malformed, 'short_block');
    const iface = this.interfaces[0];
    if (!iface) return countReason(this.stats.malformed, 'unknown_interface');
    const originalLength = this.u32(buf, offset + 8);
    let capturedLength = Math.min(originalLength, length - MIN_SPB_BYTES);
    if (iface.snaplen > 0) capturedLength = Math.min(capturedLength, iface.snaplen);
    this.emit(sink, buf, offset + 12, capturedLength, originalLength, iface, 0);
  }

  private emit(
    sink: FrameSink, buf: Buffer, dataOffset: number, capturedLength: number, originalLength: number,
    iface: PcapngInterface, interfaceId: number,
  ): void {
    const frame = this.frame;
    frame.data = buf;
    frame.offset = dataOffset;
    frame.capturedLength = capturedLength;
    frame.originalLength = Math.max(originalLength, capturedLength);
    frame.timestampMs = this.lastTimestampMs;
    frame.linkType = iface.linkType;
    frame.interfaceId = interfaceId;
    sink(frame);
  }

  private bytesNeeded(buf: Buffer, offset: number): number {
    if (buf.length - offset < MIN_BLOCK_BYTES) return MIN_BLOCK_BYTES;
    return this.u32(buf, offset + 4);
  }

  private abandon(reason: string): void {
    countReason(this.stats.malformed, reason);
    this.stopped = true;
  }

  private u16(buf: Buffer, offset: number): number {
    return this.littleEndian ? u16le(buf, offset) : u16be(buf, offset);
  }

  private u32(buf: Buffer, offset: number): number {
    return this.littleEndian ? u32le(buf, offset) : u32be(buf, offset);
  }

  private i64(buf: Buffer, offset: number): number {
    return Number(this.littleEndian ? buf.readBigInt64LE(offset) : buf.readBigInt64BE(offset));
  }
}

/** if_tsresol: high bit set means a power of two, otherwise a power of ten. */
function unitsPerSecond(tsresol: number): number {
  return tsresol & 0x80 ? 2 ** (tsresol & 0x7f) : 10 ** tsresol;
}
