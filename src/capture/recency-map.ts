import { KeyStore } from './key-stores';
import { LruList, LruNode } from './lru-list';

/** What a RecencyMap stores: its own key and list links. */
export interface RecencyEntry extends LruNode {
  keyA: string;
  keyB: string;
  keyC: number;
}

/**
 * A capped map that forgets its least recently used entry when full. The
 * forgotten entry is reset and reused for the new key, so a full table
 * allocates nothing. Which key parts count is up to the store.
 */
export class RecencyMap<V extends RecencyEntry> {
  /** Entries dropped to stay within capacity. */
  evicted = 0;
  private readonly order = new LruList<V>();
  private readonly capacity: number;

  constructor(
    capacity: number,
    private readonly entries: KeyStore<V>,
    private readonly create: () => V,
    private readonly reset: (entry: V) => void,
  ) {
    this.capacity = Math.max(1, capacity);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry for the key, created when missing, now the most recently used. */
  use(a: string, b: string, c: number): V {
    const entry = this.entries.get(a, b, c);
    if (entry === undefined) return this.insert(a, b, c);
    this.order.touch(entry);
    return entry;
  }

  private insert(a: string, b: string, c: number): V {
    const entry = this.entries.size >= this.capacity ? this.evictOldest() : this.create();
    entry.keyA = a;
    entry.keyB = b;
    entry.keyC = c;
    this.entries.set(a, b, c, entry);
    this.order.pushNewest(entry);
    return entry;
  }

  private evictOldest(): V {
    const entry = this.order.oldest as V;
    this.order.remove(entry);
    this.entries.delete(entry.keyA, entry.keyB, entry.keyC);
    this.evicted++;
    this.reset(entry);
    return entry;
  }
}
