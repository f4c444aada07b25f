import { createRng, type Rng } from '../util/random';

/**
 * Uniform sample of a stream in bounded memory (Algorithm R), so quantiles
 * can be fitted over millions of streamed records. The RNG is consumed once
 * per value in arrival order, so chunking the stream differently yields the
 * identical sample.
 */
export class Reservoir {
  private readonly values: Float64Array;
  private readonly rng: Rng;
  private seen = 0;

  constructor(
    readonly capacity: number,
    seed: number,
  ) {
    this.values = new Float64Array(capacity);
    this.rng = createRng(seed);
  }

  add(v: number): void {
    const i = this.seen++;
    if (i < this.capacity) {
      this.values[i] = v;
      return;
    }
    const j = Math.floor(this.rng.next() * (i + 1));
    if (j < this.capacity) this.values[j] = v;
  }

  /** A sorted copy; the reservoir keeps accepting values afterwards. */
  sorted(): Float64Array {
    return this.values.slice(0, Math.min(this.seen, this.capacity)).sort();
  }
}

export function meanAndStd(values: Float64Array): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, std: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / n) };
}
