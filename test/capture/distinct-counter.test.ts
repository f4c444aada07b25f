import fc from 'fast-check';
import { DecayWindows } from '../../src/capture/damped-stats';
import { DistinctCounter } from '../../src/capture/distinct-counter';

const HALF_LIVES = [100, 1_000, 60_000];

/** An owner as the feature tables are one: its sums decayed to each observation's time, then the item observed. */
function run(steps: readonly { key: number; gapMs: number }[], capacity: number): { sums: Float64Array; expected: number[] } {
  const windows = new DecayWindows(HALF_LIVES);
  const counter = new DistinctCounter<number>(windows, capacity);
  const sums = new Float64Array(HALF_LIVES.length);
  // The reference: every key's last time, and which keys the counter should still remember (the `capacity` most recent).
  const seen = new Map<number, number>();
  let now = 0;
  let lastTime = Number.NEGATIVE_INFINITY;
  for (const { key, gapMs } of steps) {
    now += gapMs;
    windows.advance(now - lastTime);
    windows.decay(sums, 1);
    counter.observe(key, now, lastTime, sums, 0, 1);
    lastTime = now;
    seen.delete(key);
    seen.set(key, now);
    if (seen.size > capacity) seen.delete(seen.keys().next().value as number);
  }
  const expected = HALF_LIVES.map((h) => [...seen.values()].reduce((sum, at) => sum + 2 ** (-(now - at) / h), 0));
  return { sums, expected };
}

describe('DistinctCounter', () => {
  it('sums 2^(-age / half-life) over the most recently seen distinct items, forgetting the least recent past its capacity', () => {
    const step = fc.record({ key: fc.integer({ min: 0, max: 12 }), gapMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 5_000, noNaN: true })) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), fc.integer({ min: 1, max: 10 }), (steps, capacity) => {
        const { sums, expected } = run(steps, capacity);
        expected.forEach((value, w) => expect(sums[w]).toBeCloseTo(value, 6));
      }),
      { numRuns: 500 },
    );
  });

  it('counts a scan of many ports as at most its capacity, and starts over when cleared', () => {
    const { sums } = run(Array.from({ length: 1_000 }, (_, port) => ({ key: port, gapMs: 0 })), 64);
    expect([...sums]).toEqual(HALF_LIVES.map(() => 64));
    const windows = new DecayWindows(HALF_LIVES);
    const counter = new DistinctCounter<string>(windows, 4);
    const fresh = new Float64Array(HALF_LIVES.length);
    for (const host of ['a', 'b', 'c', 'd', 'e']) counter.observe(host, 0, 0, fresh, 0, 1);
    counter.clear();
    const after = new Float64Array(HALF_LIVES.length);
    counter.observe('a', 10, Number.NEGATIVE_INFINITY, after, 0, 1);
    expect([...after]).toEqual(HALF_LIVES.map(() => 1));
  });
});
