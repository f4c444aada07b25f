import type { Duplex } from 'node:stream';

/**
 * The frames one WebSocket connection is sent in one turn of the event loop,
 * written at the end of the turn as one buffer in one write (or every
 * FLUSH_BYTES, so the first frames of a large burst are on their way while the
 * rest are made). With a hundred subscribers and a thousand events a second,
 * per-frame work is what decides latency: a frame here costs three array slots,
 * not a write() through the stream machinery and a buffer of its own.
 *
 * Frames go to the socket as they are: a server's frames are not masked, and the
 * WebSocket server must negotiate no compression (RFC 6455 §5.2). Whoever else
 * writes to the socket calls flush() first, so frames keep their order; once the
 * connection is no longer open (a close frame may have gone out), queued frames
 * are dropped instead.
 */
export class WsOutbox {
  private parts: Buffer[] = [];
  private bytes = 0;
  private written: (() => void)[] = [];

  constructor(
    private readonly socket: Duplex,
    private readonly open: () => boolean,
  ) {}

  /** Bytes queued here, not yet handed to the socket. */
  get pending(): number {
    return this.bytes;
  }

  /**
   * Queues a text frame holding head, body and tail (a message's fixed start, its
   * shared payload, its end). `onWritten` runs once the socket has taken the frame's
   * write (or failed it).
   */
  add(head: Buffer, body: Buffer, tail: Buffer, onWritten?: () => void): void {
    if (this.bytes === 0) {
      if (due.size === 0) setImmediate(flushAll);
      due.add(this);
    }
    const length = head.length + body.length + tail.length;
    this.parts.push(head, body, tail);
    this.bytes += headerLength(length) + length;
    if (onWritten) this.written.push(onWritten);
    if (this.bytes >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.bytes === 0) return;
    const { parts, written } = this;
    const out = Buffer.allocUnsafe(this.bytes);
    this.parts = [];
    this.bytes = 0;
    this.written = [];
    due.delete(this);
    let offset = 0;
    for (let i = 0; i < parts.length; i += 3) {
      offset = writeHeader(out, offset, parts[i].length + parts[i + 1].length + parts[i + 2].length);
      for (let j = i; j < i + 3; j++) {
        out.set(parts[j], offset);
        offset += parts[j].length;
      }
    }
    const done = written.length === 0 ? undefined : () => written.forEach((f) => f());
    if (this.socket.writable && this.open()) this.socket.write(out, done);
    // Never from inside add(): its caller is in the middle of a delivery.
    else if (done) process.nextTick(done);
  }
}

const FLUSH_BYTES = 16 * 1024;
const due = new Set<WsOutbox>();

function flushAll(): void {
  for (const outbox of due) outbox.flush();
  due.clear();
}

function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/** A final text frame's header (FIN, opcode 1, unmasked length) at `offset`; returns where the payload starts. */
function writeHeader(out: Buffer, offset: number, length: number): number {
  out[offset] = 0x81;
  if (length < 126) {
    out[offset + 1] = length;
    return offset + 2;
  }
  if (length < 65_536) {
    out[offset + 1] = 126;
    out.writeUInt16BE(length, offset + 2);
    return offset + 4;
  }
  out[offset + 1] = 127;
  out.writeBigUInt64BE(BigInt(length), offset + 2);
  return offset + 10;
}
