/**
 * Maps keyed by one, two or three parts without building a composite key.
 * Address strings come interned from the decoder with their hash cached, and
 * an integer part (two ports) hashes without allocating, so a lookup is a few
 * cheap Map probes; concatenating a string key per packet instead cost
 * several times the whole packet decode. Empty inner maps are dropped.
 */
export interface KeyStore<V> {
  readonly size: number;
  get(a: string, b: string, c: number): V | undefined;
  set(a: string, b: string, c: number, value: V): void;
  delete(a: string, b: string, c: number): void;
}

/** Keyed by the first part only. */
export class SingleKeyStore<V> implements KeyStore<V> {
  private readonly map = new Map<string, V>();

  get size(): number {
    return this.map.size;
  }

  get(a: string): V | undefined {
    return this.map.get(a);
  }

  set(a: string, _b: string, _c: number, value: V): void {
    this.map.set(a, value);
  }

  delete(a: string): void {
    this.map.delete(a);
  }
}

/** Keyed by the two string parts. */
export class PairKeyStore<V> implements KeyStore<V> {
  private readonly root = new Map<string, Map<string, V>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(a: string, b: string): V | undefined {
    return this.root.get(a)?.get(b);
  }

  set(a: string, b: string, _c: number, value: V): void {
    let inner = this.root.get(a);
    if (inner === undefined) {
      inner = new Map();
      this.root.set(a, inner);
    }
    const before = inner.size;
    inner.set(b, value);
    this.count += inner.size - before;
  }

  delete(a: string, b: string): void {
    const inner = this.root.get(a);
    if (inner === undefined || !inner.delete(b)) return;
    this.count--;
    if (inner.size === 0) this.root.delete(a);
  }
}

/** Keyed by all three parts; the third is a 32-bit integer such as `portPair`. */
export class TripleKeyStore<V> implements KeyStore<V> {
  private readonly root = new Map<string, Map<string, Map<number, V>>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(a: string, b: string, c: number): V | undefined {
    return this.root.get(a)?.get(b)?.get(c);
  }

  set(a: string, b: string, c: number, value: V): void {
    let inner = this.root.get(a);
    if (inner === undefined) {
      inner = new Map();
      this.root.set(a, inner);
    }
    let leaf = inner.get(b);
    if (leaf === undefined) {
      leaf = new Map();
      inner.set(b, leaf);
    }
    const before = leaf.size;
    leaf.set(c, value);
    this.count += leaf.size - before;
  }

  delete(a: string, b: string, c: number): void {
    const inner = this.root.get(a);
    const leaf = inner?.get(b);
    if (inner === undefined || leaf === undefined || !leaf.delete(c)) return;
    this.count--;
    if (leaf.size > 0) return;
    inner.delete(b);
    if (inner.size === 0) this.root.delete(a);
  }
}

/** Two 16-bit ports as one signed 32-bit integer (a small integer to V8, so hashing allocates nothing). */
export function portPair(first: number, second: number): number {
  return ((first & 0xffff) << 16) | (second & 0xffff);
}
