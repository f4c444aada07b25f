import type { Matrix } from '../matrix';

/**
 * Exact k-nearest-neighbour distances by brute force over a small reference
 * sample, in squared Euclidean distance until the end.
 *
 * A query never counts itself: the first reference row at distance exactly 0
 * is skipped, so a training row that was drawn into the reference sample is
 * scored leave-one-out, like every training row that was not. Scores stay a
 * function of the row alone (the same after a save and load, or when scored in
 * chunks). The price: a new row identical to a reference row skips that one copy.
 */
export class ReferenceSet {
  /** Columns by falling variance: partial distances then grow fastest and stop soonest. */
  private readonly columnOrder: Int32Array;
  /** The reference rows with their columns in `columnOrder`. */
  private readonly ordered: Float64Array;
  private readonly query: Float64Array;

  constructor(readonly points: Matrix) {
    this.columnOrder = columnsByVariance(points);
    this.ordered = new Float64Array(points.data.length);
    for (let j = 0; j < points.rows; j++) this.reorder(points.data, j * points.cols, this.ordered, j * points.cols);
    this.query = new Float64Array(points.cols);
  }

  /** Fills `best` (length k) with the k smallest squared distances from row `q` of X, ascending. */
  nearest(X: Matrix, q: number, best: Float64Array): void {
    const { ordered: ref, query } = this;
    const { rows, cols } = this.points;
    const k = best.length;
    const blocked = cols - (cols % 4);
    this.reorder(X.data, q * cols, query, 0);
    best.fill(Infinity);
    let selfSkipped = false;
    for (let j = 0, base = 0; j < rows; j++, base += cols) {
      const bound = best[k - 1];
      let sum = 0;
      let d = 0;
      // Partial distance, checked every four columns: stop once the row cannot enter the top k.
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
      if (sum >= bound) continue;
      if (sum === 0 && !selfSkipped) {
        selfSkipped = true;
        continue;
      }
      insertSorted(best, sum);
    }
  }

  private reorder(from: Float64Array, offset: number, to: Float64Array, at: number): void {
    const order = this.columnOrder;
    for (let d = 0; d < order.length; d++) to[at + d] = from[offset + order[d]];
  }
}

function columnsByVariance({ rows, cols, data }: Matrix): Int32Array {
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

/** Inserts into a full ascending buffer, dropping its largest value. */
function insertSorted(best: Float64Array, value: number): void {
  let i = best.length - 1;
  while (i > 0 && best[i - 1] > value) {
    best[i] = best[i - 1];
    i--;
  }
  best[i] = value;
}
