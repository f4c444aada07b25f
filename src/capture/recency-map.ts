/** What a RecencyMap needs to keep its entries ordered. */
export interface Touchable {
  touchedAt: number;
}

/** Moving an entry to the back costs two Map operations: do it at most this often per entry. */
const TOUCH_GRANULARITY_MS = 250;

/**
 * A capped Map whose insertion order is its recency order: using an entry
 * moves it to the back (at most once per granularity period), so the front is
 * the least recently used entry and eviction is O(1). An evicted entry is
 * reset and reused for the new key, so a full table allocates nothing.
 */
export class RecencyMap<V extends Touchable> {
  /** Entries dropped to stay within capacity. */
  evicted = 0;
  private readonly entries = new Map<string, V>();

  private readonly capacity: number;

  constructor(capacity: number, private readonly create: () => V, private readonly reset: (entry: V) => void) {
    this.capacity = Math.max(1, capacity);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry for `key`, created when missing, marked as used at `now`. */
  use(key: string, now: number): V {
    const entry = this.entries.get(key);
    if (entry === undefined) return this.insert(key, now);
    if (now - entry.touchedAt >= TOUCH_GRANULARITY_MS) {
      entry.touchedAt = now;
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  private insert(key: string, now: number): V {
    const entry = this.entries.size >= this.capacity ? this.evictOldest() : this.create();
    entry.touchedAt = now;
    this.entries.set(key, entry);
    return entry;
  }

  private evictOldest(): V {
    const [key, entry] = this.entries.entries().next().value as [string, V];
    this.entries.delete(key);
    this.evicted++;
    this.reset(entry);
    return entry;
  }
}
