import { DecayWindows } from './damped-stats';

/** No item: the end of the recency order. */
const NONE = -1;
/** Items a counter makes room for at first; it doubles from there up to its capacity. */
const FIRST_ROOM = 8;
const NO_TIMES = new Float64Array(0);
const NO_LINKS = new Int32Array(0);

/**
 * Approximate, decaying count of distinct items (destination ports, hosts)
 * one source touched. Each remembered item contributes 2^(-age / half-life)
 * to every window's sum, where age is the time since the item was last seen:
 * N items hit within a window count ≈ N, an item seen once long ago ≈ 0.
 * The sums live in the owner's slots (decayed together with its other
 * statistics); this class keeps each item's last-seen time, at most `capacity`
 * of them, forgetting the least recently seen first, so a scan saturates at
 * `capacity` instead of growing memory.
 *
 * Items are numbered 0 .. size - 1 (a forgotten item's number goes to the
 * item that replaces it) and their times and recency links live in typed
 * arrays of the counter: a lookup is one map probe and a few reads close
 * together, where an object per item, linked to its neighbours, cost a
 * cache miss per step on the capture path.
 */
export class DistinctCounter<K> {
  private readonly numbers = new Map<K, number>();
  private keys: K[] = [];
  /** Item i's last-seen time. */
  private seenAt = NO_TIMES;
  /** Item i's older neighbour in recency order at 2i, its newer one at 2i + 1. */
  private links = NO_LINKS;
  private oldest = NONE;
  private newest = NONE;

  constructor(private readonly windows: DecayWindows, private readonly capacity: number) {}

  /**
   * Records `item` at `now`. `sums[at + w * stride]` is window w's sum, already
   * decayed to `now` with the windows' current factors, which were computed
   * for `now - ownerLastTime`: the item's previous contribution is replaced by
   * a full 1.
   */
  observe(key: K, now: number, ownerLastTime: number, sums: Float64Array, at: number, stride: number): void {
    let item = this.numbers.get(key);
    if (item !== undefined) {
      this.withdraw(item, now, ownerLastTime, sums, at, stride);
      this.unlink(item);
    } else {
      item = this.numbers.size >= this.capacity && this.oldest !== NONE ? this.forgetOldest(now, ownerLastTime, sums, at, stride) : this.make();
      this.keys[item] = key;
      this.numbers.set(key, item);
    }
    this.seenAt[item] = now;
    this.pushNewest(item);
    for (let w = 0; w < this.windows.count; w++) sums[at + w * stride] += 1;
  }

  clear(): void {
    this.numbers.clear();
    this.keys.length = 0;
    this.oldest = NONE;
    this.newest = NONE;
  }

  /** A new item number, the arrays grown to hold it. */
  private make(): number {
    const item = this.numbers.size;
    if (item >= this.seenAt.length) {
      const room = Math.max(FIRST_ROOM, 2 * this.seenAt.length);
      const seenAt = new Float64Array(room);
      seenAt.set(this.seenAt);
      const links = new Int32Array(2 * room);
      links.set(this.links);
      this.seenAt = seenAt;
      this.links = links;
    }
    return item;
  }

  /** Drops the least recently seen item and hands its number back for reuse. */
  private forgetOldest(now: number, ownerLastTime: number, sums: Float64Array, at: number, stride: number): number {
    const oldest = this.oldest;
    this.withdraw(oldest, now, ownerLastTime, sums, at, stride);
    this.unlink(oldest);
    this.numbers.delete(this.keys[oldest]);
    return oldest;
  }

  /** Removes the current contribution of an item. */
  private withdraw(item: number, now: number, ownerLastTime: number, sums: Float64Array, at: number, stride: number): void {
    const seenAt = this.seenAt[item];
    // Seen by the owner's previous observation: its weight is exactly the factor just applied.
    const reuse = seenAt === ownerLastTime;
    for (let w = 0; w < this.windows.count; w++) {
      const slot = at + w * stride;
      const weight = reuse ? this.windows.factors[w] : this.windows.factor(w, now - seenAt);
      sums[slot] = Math.max(0, sums[slot] - weight);
    }
  }

  private unlink(item: number): void {
    const links = this.links;
    const older = links[2 * item];
    const newer = links[2 * item + 1];
    if (older !== NONE) links[2 * older + 1] = newer;
    else this.oldest = newer;
    if (newer !== NONE) links[2 * newer] = older;
    else this.newest = older;
  }

  private pushNewest(item: number): void {
    const links = this.links;
    links[2 * item] = this.newest;
    links[2 * item + 1] = NONE;
    if (this.newest !== NONE) links[2 * this.newest + 1] = item;
    else this.oldest = item;
    this.newest = item;
  }
}
