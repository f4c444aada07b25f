import type { Matrix } from '../matrix';

/**
 * What counts as a neighbour, and the one way its distance is computed.
 *
 * Distances stay squared until the score. Every distance is summed by
 * `squaredDistance` over columns in `columnsByVariance` order, four at a time:
 * a float sum depends on its order, so one fixed order keeps scores bitwise
 * reproducible whatever the search visits first (and equal to the brute-force
 * scan this search replaced, so models saved before it score the same).
 */

/** Columns by falling variance: partial distances then grow fastest and stop soonest. */
export function columnsByVariance({ rows, cols, data }: Matrix): Int32Array {
  const variance = Array.from({ length: cols }, (_, c) => {
    let sum = 0;
    let squares = 0;
    for (let j = 0; j < rows; j++) {
      const v = data[j * cols + c];
      sum += v;
      squares += v * v;
    }
    return squares / rows - (sum / rows) ** 2;
  });
  return Int32Array.from(variance.keys()).sort((a, b) => variance[b] - variance[a] || a - b);
}

/** Copies `order.length` values from `from` at `offset` to `to` at `at`, in column `order`. */
export function gatherColumns(order: Int32Array, from: Float64Array, offset: number, to: Float64Array, at: number): void {
  for (let d = 0; d < order.length; d++) to[at + d] = from[offset + order[d]];
}

/**
 * Squared distance from `query` to the row of `ref` starting at `base`. Stops
 * early, returning a partial sum ≥ `bound`, once the row cannot beat `bound`:
 * adding squares never shrinks a float sum, so the full sum would be ≥ it too.
 */
export function squaredDistance(query: Float64Array, ref: Float64Array, base: number, bound: number): number {
  const cols = query.length;
  const blocked = cols - (cols % 4);
  let sum = 0;
  let d = 0;
  for (; d < blocked && sum < bound; d += 4) {
    const a = query[d] - ref[base + d];
    const b = query[d + 1] - ref[base + d + 1];
    const c = query[d + 2] - ref[base + d + 2];
    const e = query[d + 3] - ref[base + d + 3];
    sum += a * a + b * b + c * c + e * e;
  }
  for (; d < cols && sum < bound; d++) {
    const a = query[d] - ref[base + d];
    sum += a * a;
  }
  return sum;
}

/**
 * The k smallest squared distances seen so far, ascending.
 *
 * A query never counts itself: one reference row at distance exactly 0 is
 * skipped, so a training row that was drawn into the reference sample is
 * scored leave-one-out, like every training row that was not. Which copy is
 * skipped does not matter (they are equal), so scores stay a function of the
 * row alone: the same after a save and load, in any visiting order, or when
 * scored in chunks. The price: a new row identical to a reference row skips
 * that one copy.
 */
export class Neighbours {
  readonly best: Float64Array;
  private selfSkipped = false;

  constructor(k: number) {
    this.best = new Float64Array(k);
  }

  reset(): void {
    this.best.fill(Infinity);
    this.selfSkipped = false;
  }

  /** The distance a row must beat to enter: Infinity until k rows are in. */
  get bound(): number {
    return this.best[this.best.length - 1];
  }

  /** Offers a distance shared by `copies` identical reference rows. */
  offer(squared: number, copies: number): void {
    if (squared >= this.bound) return;
    if (squared === 0 && !this.selfSkipped) {
      this.selfSkipped = true;
      copies--;
    }
    for (; copies > 0 && squared < this.bound; copies--) insertSorted(this.best, squared);
  }
}

/** Inserts into a full ascending buffer, dropping its largest value. */
function insertSorted(best: Float64Array, value: number): void {
  let i = best.length - 1;
  while (i > 0 && best[i - 1] > value) {
    best[i] = best[i - 1];
    i--;
  }
  best[i] = value;
}
