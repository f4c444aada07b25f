import type { AuthContext } from '../auth/auth-context';

/** Buckets kept before idle ones are swept: bounds memory when many addresses call once each. */
const MAX_KEYS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets in memory, one per caller: `burst` requests at once, refilled at
 * `ratePerSecond`. Per server process — with several instances each admits its own
 * share, which is what protects each process.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get enabled(): boolean {
    return this.ratePerSecond > 0;
  }

  /** Takes a token for `key`: 0 when admitted, otherwise the milliseconds until one is free. */
  take(key: string): number {
    if (!this.enabled) return 0;
    const bucket = this.refilled(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return this.waitMs(bucket.tokens);
  }

  /** Like take() without taking: 0 while `key` has a token left, otherwise the milliseconds until it has one. */
  peek(key: string): number {
    if (!this.enabled) return 0;
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const tokens = this.tokensAt(bucket, this.now());
    return tokens >= 1 ? 0 : this.waitMs(tokens);
  }

  private tokensAt(bucket: Bucket, now: number): number {
    return Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.ratePerSecond) / 1000);
  }

  private waitMs(tokens: number): number {
    return Math.ceil(((1 - tokens) * 1000) / this.ratePerSecond);
  }

  /** The bucket of `key`, refilled up to now and moved to the most recently used end. */
  private refilled(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = this.tokensAt(bucket, now);
      bucket.at = now;
      // Re-inserted: the map stays in least recently used order for sweep().
      this.buckets.delete(key);
    } else {
      if (this.buckets.size >= MAX_KEYS) this.sweep(now);
      bucket = { tokens: this.burst, at: now };
    }
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** Drops the buckets that have refilled (forgetting them changes nothing); else the least recently used half. */
  private sweep(now: number): void {
    const refillMs = (this.burst * 1000) / this.ratePerSecond;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.at >= refillMs) this.buckets.delete(key);
    }
    if (this.buckets.size < MAX_KEYS) return;
    let drop = this.buckets.size / 2;
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

/** The caller a request counts against: its API key, or its address when it has none (auth off or absent). */
export function rateLimitKey(auth: Pick<AuthContext, 'keyId'> | null | undefined, address: string | undefined): string {
  return auth?.keyId ? `key:${auth.keyId}` : `ip:${address ?? 'unknown'}`;
}
