/**
 * Shannon entropy of a run of bytes (bits per byte), counted without
 * allocating: a reader keeps one instance and reuses it for every message.
 * DNS tunnels and C2 channels carry encoded data (close to 6 bits per
 * character for base64); names and text people write stay near 3 to 4.5.
 */
export class ByteEntropy {
  private readonly counts = new Uint32Array(256);
  /** The distinct bytes counted so far, so that clearing touches only those. */
  private readonly seen = new Uint8Array(256);
  private distinct = 0;
  /** Bytes counted since the last take() or clear(). */
  total = 0;

  add(byte: number): void {
    if (this.counts[byte]++ === 0) this.seen[this.distinct++] = byte;
    this.total++;
  }

  /** The entropy of the bytes counted, then starts over. */
  take(): number {
    let bits = 0;
    for (let i = 0; i < this.distinct; i++) {
      const p = this.counts[this.seen[i]] / this.total;
      bits -= p * Math.log2(p);
    }
    this.clear();
    return bits;
  }

  clear(): void {
    for (let i = 0; i < this.distinct; i++) this.counts[this.seen[i]] = 0;
    this.distinct = 0;
    this.total = 0;
  }
}
