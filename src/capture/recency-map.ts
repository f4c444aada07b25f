import { KeyStore } from './key-stores';
import { LruList, LruNode } from './lru-list';

/** What a RecencyMap stores: its own key, list links, and which segment it is in. */
export interface RecencyEntry extends LruNode {
  keyA: string;
  keyB: string;
  keyC: number;
  /** Set by the map: used again since it came in (see RecencyMap). */
  protectedSegment: boolean;
}

/** Share of the capacity kept for keys used more than once. */
const PROTECTED_SHARE = 0.8;

/**
 * A capped map that forgets a least recently used entry when full. The
 * forgotten entry is reset and reused for the new key, so a full table
 * allocates nothing. Which key parts count is up to the store.
 *
 * Recency is segmented (SLRU): a new key starts on probation and is
 * protected once used again; the map forgets keys on probation first. A
 * flood from thousands of spoofed one-shot sources then churns through the
 * probation segment instead of wiping out the state of the hosts that keep
 * talking, which plain LRU would (and with it their features).
 */
export class RecencyMap<V extends RecencyEntry> {
  /** Entries dropped to stay within capacity. */
  evicted = 0;
  private readonly probation = new LruList<V>();
  private readonly protectedList = new LruList<V>();
  private protectedCount = 0;
  private readonly capacity: number;
  private readonly protectedCapacity: number;

  constructor(
    capacity: number,
    private readonly entries: KeyStore<V>,
    private readonly create: () => V,
    private readonly reset: (entry: V) => void,
  ) {
    this.capacity = Math.max(1, capacity);
    this.protectedCapacity = Math.floor(this.capacity * PROTECTED_SHARE);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry for the key, created when missing, now the most recently used. */
  use(a: string, b: string, c: number): V {
    const entry = this.entries.get(a, b, c);
    if (entry === undefined) return this.insert(a, b, c);
    if (entry.protectedSegment) this.protectedList.touch(entry);
    else this.promote(entry);
    return entry;
  }

  private promote(entry: V): void {
    if (this.protectedCapacity === 0) {
      this.probation.touch(entry);
      return;
    }
    this.probation.remove(entry);
    entry.protectedSegment = true;
    this.protectedList.pushNewest(entry);
    if (++this.protectedCount > this.protectedCapacity) {
      // The protected segment's least recently used goes back on probation, as the newest there.
      const demoted = this.protectedList.oldest as V;
      this.protectedList.remove(demoted);
      demoted.protectedSegment = false;
      this.probation.pushNewest(demoted);
      this.protectedCount--;
    }
  }

  private insert(a: string, b: string, c: number): V {
    const entry = this.entries.size >= this.capacity ? this.evictOldest() : this.create();
    entry.keyA = a;
    entry.keyB = b;
    entry.keyC = c;
    entry.protectedSegment = false;
    this.entries.set(a, b, c, entry);
    this.probation.pushNewest(entry);
    return entry;
  }

  private evictOldest(): V {
    let entry = this.probation.oldest;
    if (entry === undefined) {
      entry = this.protectedList.oldest as V;
      this.protectedList.remove(entry);
      this.protectedCount--;
    } else {
      this.probation.remove(entry);
    }
    this.entries.delete(entry.keyA, entry.keyB, entry.keyC);
    this.evicted++;
    this.reset(entry);
    return entry;
  }
}
