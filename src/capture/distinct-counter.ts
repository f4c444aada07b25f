import { DecayWindows } from './damped-stats';
import { LruList, LruNode } from './lru-list';

class Item<K> implements LruNode {
  older: LruNode | undefined = undefined;
  newer: LruNode | undefined = undefined;
  /** Starts as a number, so that V8 keeps it an unboxed double (see Flow.start). */
  seenAt = 0;

  constructor(public key: K, seenAt: number) {
    this.seenAt = seenAt;
  }
}

/**
 * Approximate, decaying count of distinct items (destination ports, hosts)
 * one source touched. Each remembered item contributes 2^(-age / half-life)
 * to every window's sum, where age is the time since the item was last seen:
 * N items hit within a window count ≈ N, an item seen once long ago ≈ 0.
 * The sums live in the owner's slots (decayed together with its other
 * statistics); this class keeps each item's last-seen time, at most `capacity`
 * of them, forgetting the least recently seen first, so a scan saturates at
 * `capacity` instead of growing memory.
 */
export class DistinctCounter<K> {
  private readonly items = new Map<K, Item<K>>();
  private readonly order = new LruList<Item<K>>();

  constructor(private readonly windows: DecayWindows, private readonly capacity: number) {}

  /**
   * Records `item` at `now`. `sums[at + w * stride]` is window w's sum, already
   * decayed to `now` with the windows' current factors, which were computed
   * for `now - ownerLastTime`: the item's previous contribution is replaced by
   * a full 1.
   */
  observe(key: K, now: number, ownerLastTime: number, sums: Float64Array, at: number, stride: number): void {
    let item = this.items.get(key);
    if (item !== undefined) {
      this.withdraw(item.seenAt, now, ownerLastTime, sums, at, stride);
      item.seenAt = now;
      this.order.touch(item);
    } else {
      item = this.items.size >= this.capacity ? this.forgetOldest(now, ownerLastTime, sums, at, stride) : undefined;
      if (item) {
        item.key = key;
        item.seenAt = now;
      } else {
        item = new Item(key, now);
      }
      this.items.set(key, item);
      this.order.pushNewest(item);
    }
    for (let w = 0; w < this.windows.count; w++) sums[at + w * stride] += 1;
  }

  clear(): void {
    this.items.clear();
    this.order.clear();
  }

  /** Drops the least recently seen item and hands it back for reuse. */
  private forgetOldest(now: number, ownerLastTime: number, sums: Float64Array, at: number, stride: number): Item<K> | undefined {
    const oldest = this.order.oldest;
    if (!oldest) return undefined;
    this.withdraw(oldest.seenAt, now, ownerLastTime, sums, at, stride);
    this.order.remove(oldest);
    this.items.delete(oldest.key);
    return oldest;
  }

  /** Removes the current contribution of an item last seen at `seenAt`. */
  private withdraw(seenAt: number, now: number, ownerLastTime: number, sums: Float64Array, at: number, stride: number): void {
    // Seen by the owner's previous observation: its weight is exactly the factor just applied.
    const reuse = seenAt === ownerLastTime;
    for (let w = 0; w < this.windows.count; w++) {
      const slot = at + w * stride;
      const weight = reuse ? this.windows.factors[w] : this.windows.factor(w, now - seenAt);
      sums[slot] = Math.max(0, sums[slot] - weight);
    }
  }
}
