/**
 * Damped incremental statistics (Kitsune's "AfterImage", NDSS'18): every
 * observation's weight halves each half-life, so one (weight, sum, sum of
 * squares) triple per window gives a rate, mean and standard deviation over
 * roughly the last half-life, updated in O(1) without keeping the samples.
 *
 * The statistics of one key live in a Float64Array owned by the caller, one
 * group of `stride` slots per window, which keeps one small object per key.
 */
export class DecayWindows {
  readonly count: number;
  /** Decay factors of the last `advance`, one per window. */
  readonly factors: Float64Array;
  /** ln 2 / half-life, per millisecond. */
  private readonly ratesPerMs: Float64Array;

  constructor(readonly halfLivesMs: readonly number[]) {
    this.count = halfLivesMs.length;
    this.factors = new Float64Array(this.count);
    this.ratesPerMs = Float64Array.from(halfLivesMs, (h) => Math.LN2 / h);
  }

  /** Fills `factors` for `elapsedMs`; time running backwards (reordered packets) decays nothing. */
  advance(elapsedMs: number): Float64Array {
    for (let w = 0; w < this.count; w++) this.factors[w] = this.factor(w, elapsedMs);
    return this.factors;
  }

  factor(window: number, elapsedMs: number): number {
    return elapsedMs > 0 ? Math.exp(-this.ratesPerMs[window] * elapsedMs) : 1;
  }

  /** Multiplies every window's group of `stride` slots by that window's current factor. */
  decay(slots: Float64Array, stride: number): void {
    for (let w = 0; w < this.count; w++) {
      const factor = this.factors[w];
      for (let i = w * stride, end = i + stride; i < end; i++) slots[i] *= factor;
    }
  }

  /** Observations per second that keep a window's weight at `weight`: weight × ln 2 / half-life. */
  rate(window: number, weight: number): number {
    return weight * this.ratesPerMs[window] * 1000;
  }

  /** Adds one observation to the (weight, sum, sum of squares) triple at `at`, already decayed to now. */
  observe(slots: Float64Array, at: number, value: number): void {
    slots[at] += 1;
    slots[at + 1] += value;
    slots[at + 2] += value * value;
  }

  mean(slots: Float64Array, at: number): number {
    const weight = slots[at];
    return weight > 0 ? slots[at + 1] / weight : 0;
  }

  std(slots: Float64Array, at: number): number {
    const weight = slots[at];
    if (weight <= 0) return 0;
    const mean = slots[at + 1] / weight;
    // Cancellation can leave a tiny negative variance.
    return Math.sqrt(Math.max(0, slots[at + 2] / weight - mean * mean));
  }
}
