import type { Matrix } from '../../../src/detectors/matrix';

/**
 * Distance to the k-th nearest training row: a second, very different
 * detector family for checking the sample data (values far outside the
 * training range are what it sees best, the isolation forest's blind spot).
 */
export class MiniKnnDistance {
  private train: Matrix = { rows: 0, cols: 0, data: new Float64Array(0) };

  constructor(private readonly k = 5) {}

  fit(X: Matrix): void {
    this.train = X;
  }

  /** `skipSelf` scores training rows against the others (leave-one-out). */
  score(X: Matrix, skipSelf = false): Float64Array {
    const { rows, cols, data } = this.train;
    const out = new Float64Array(X.rows);
    const best = new Float64Array(this.k + 1);
    for (let i = 0; i < X.rows; i++) {
      best.fill(Infinity);
      for (let j = 0; j < rows; j++) {
        let d = 0;
        for (let c = 0; c < cols; c++) {
          const diff = X.data[i * cols + c] - data[j * cols + c];
          d += diff * diff;
        }
        insert(best, d);
      }
      out[i] = Math.sqrt(best[skipSelf ? this.k : this.k - 1]);
    }
    return out;
  }
}

function insert(best: Float64Array, d: number): void {
  if (d >= best[best.length - 1]) return;
  let i = best.length - 1;
  while (i > 0 && best[i - 1] > d) {
    best[i] = best[i - 1];
    i--;
  }
  best[i] = d;
}
