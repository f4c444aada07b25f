import { DecayWindows } from './damped-stats';

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
  private readonly lastSeen = new Map<K, number>();
  /** The most recent item: repeats of it (the common case) skip the reordering. */
  private newest: K | undefined;

  constructor(private readonly windows: DecayWindows, private readonly capacity: number) {}

  get size(): number {
    return this.lastSeen.size;
  }

  /**
   * Records `item` at `now`. `sums[at + w * stride]` is window w's sum, already
   * decayed to `now` with the windows' current factors, which were computed
   * for `now - ownerLastTime`: the item's previous contribution is replaced by
   * a full 1.
   */
  observe(item: K, now: number, ownerLastTime: number, sums: Float64Array, at: number, stride: number): void {
    const previous = this.lastSeen.get(item);
    if (previous !== undefined) {
      this.withdraw(previous, now, ownerLastTime, sums, at, stride);
      if (item !== this.newest) this.lastSeen.delete(item);
    } else if (this.lastSeen.size >= this.capacity) {
      this.forgetOldest(now, ownerLastTime, sums, at, stride);
    }
    this.lastSeen.set(item, now);
    this.newest = item;
    for (let w = 0; w < this.windows.count; w++) sums[at + w * stride] += 1;
  }

  clear(): void {
    this.lastSeen.clear();
    this.newest = undefined;
  }

  private forgetOldest(now: number, ownerLastTime: number, sums: Float64Array, at: number, stride: number): void {
    const oldest = this.lastSeen.entries().next().value;
    if (!oldest) return;
    this.withdraw(oldest[1], now, ownerLastTime, sums, at, stride);
    this.lastSeen.delete(oldest[0]);
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
