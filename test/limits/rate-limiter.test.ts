import { RateLimiter, rateLimitKey } from '../../src/limits/rate-limiter';

/** A clock the test moves by hand, so refills are exact. */
function manualClock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter (token bucket)', () => {
  it('admits a burst, then refuses with the wait until the next token', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(10, 3, clock.now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(100); // 10/s: one token every 100 ms
    clock.advance(50);
    expect(limiter.take('a')).toBe(50);
    clock.advance(50);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });

  it('refills at the rate and never above the burst', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(2, 2, clock.now);
    limiter.take('a');
    limiter.take('a');
    clock.advance(60_000); // a minute idle still leaves only `burst` tokens
    expect([limiter.take('a'), limiter.take('a')]).toEqual([0, 0]);
    expect(limiter.take('a')).toBe(500);
  });

  it('keeps one bucket per key', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, 1, clock.now);
    expect(limiter.take('key:1')).toBe(0);
    expect(limiter.take('key:1')).toBeGreaterThan(0);
    expect(limiter.take('key:2')).toBe(0);
    expect(limiter.take('ip:127.0.0.1')).toBe(0);
  });

  it('admits everything when the rate is 0 (off)', () => {
    const limiter = new RateLimiter(0, 1);
    expect(limiter.enabled).toBe(false);
    for (let i = 0; i < 1000; i++) expect(limiter.take('a')).toBe(0);
  });

  it('forgets idle buckets instead of growing without bound, and keeps limiting a busy caller', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, 1, clock.now);
    const size = () => (limiter as unknown as { buckets: Map<string, unknown> }).buckets.size;
    expect(limiter.take('busy')).toBe(0);
    for (let i = 0; i < 10_000; i++) {
      limiter.take(`ip:10.0.${i >> 8}.${i & 255}`);
      if (i % 1000 === 0) expect(limiter.take('busy')).toBeGreaterThan(0); // still in the bucket it emptied
    }
    clock.advance(100); // nobody has refilled: the least recently used half goes
    limiter.take('one-more');
    expect(size()).toBeLessThanOrEqual(5_002);
    expect(limiter.take('busy')).toBeGreaterThan(0); // recently used, so kept, so still limited
    clock.advance(1_000); // everyone refilled: forgetting them all changes nothing
    for (let i = 0; i < 6_000; i++) limiter.take(`ip:10.1.${i >> 8}.${i & 255}`);
    expect(size()).toBeLessThanOrEqual(10_000);
  });
});

describe('rateLimitKey', () => {
  it('counts a request against its API key, else against the client address', () => {
    expect(rateLimitKey({ keyId: 'k1' }, '127.0.0.1')).toBe('key:k1');
    expect(rateLimitKey({ keyId: null }, '127.0.0.1')).toBe('ip:127.0.0.1');
    expect(rateLimitKey(undefined, '::1')).toBe('ip:::1');
    expect(rateLimitKey(undefined, undefined)).toBe('ip:unknown');
  });
});
