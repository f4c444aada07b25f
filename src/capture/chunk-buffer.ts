/**
 * Holds the unconsumed tail of a capture stream between chunks.
 *
 * Readers parse straight out of each incoming chunk. A record that straddles
 * a chunk boundary is completed by copying just the bytes it still needs from
 * the next chunk (`need`, counted from the start of the kept tail), so chunks
 * are never copied whole, feeding a file one byte at a time stays linear, and
 * the memory held is bounded by the largest record, not by the file.
 */
export class ChunkBuffer {
  private parts: Buffer[] = [];
  private size = 0;
  private need: number;
  /** What is left of the chunk given to `next` after completing the kept record. */
  private rest: Buffer | undefined;

  constructor(initialNeed: number) {
    this.need = initialNeed;
  }

  /** Bytes received but not consumed yet. */
  get pending(): number {
    return this.size;
  }

  /**
   * The next buffer to parse out of `chunk`, or undefined when more input is
   * needed. While `remainder()` returns a buffer, parse that one next.
   */
  next(chunk: Buffer): Buffer | undefined {
    this.rest = undefined;
    if (this.size === 0 && chunk.length >= this.need) return chunk;
    const take = Math.min(chunk.length, this.need - this.size);
    if (take > 0) this.parts.push(take === chunk.length ? chunk : chunk.subarray(0, take));
    this.size += take;
    if (this.size < this.need) return undefined;
    if (take < chunk.length) this.rest = chunk.subarray(take);
    const joined = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return joined;
  }

  /** The part of the last chunk that follows the record `next` completed. */
  remainder(): Buffer | undefined {
    const rest = this.rest;
    this.rest = undefined;
    return rest;
  }

  /** Keeps `buf` from `from` on, and how many bytes (counted from there) the next record needs. */
  keep(buf: Buffer, from: number, need: number): void {
    if (from < buf.length) {
      this.parts.push(buf.subarray(from));
      this.size = buf.length - from;
    }
    this.need = need;
  }
}
