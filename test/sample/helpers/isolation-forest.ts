import type { Matrix } from '../../../src/detectors/matrix';
import { createRng, type Rng } from '../../../src/util/random';

/**
 * A minimal isolation forest (Liu et al. 2008), only for checking that the
 * sample data makes obvious anomalies separable. The project's detector lives
 * elsewhere; this one stays tiny on purpose.
 */
type Node = { leaf: true; size: number } | { leaf: false; feature: number; split: number; left: Node; right: Node };

function averagePath(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649) - (2 * (n - 1)) / n;
}

function grow(X: Matrix, rows: number[], depth: number, limit: number, rng: Rng): Node {
  if (rows.length <= 1 || depth >= limit) return { leaf: true, size: rows.length };
  const candidates: number[] = [];
  for (let f = 0; f < X.cols; f++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of rows) {
      const v = X.data[r * X.cols + f];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi > lo) candidates.push(f);
  }
  if (candidates.length === 0) return { leaf: true, size: rows.length };
  const feature = rng.pick(candidates);
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    const v = X.data[r * X.cols + feature];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const split = lo + rng.next() * (hi - lo);
  const left = rows.filter((r) => X.data[r * X.cols + feature] < split);
  const right = rows.filter((r) => X.data[r * X.cols + feature] >= split);
  return { leaf: false, feature, split, left: grow(X, left, depth + 1, limit, rng), right: grow(X, right, depth + 1, limit, rng) };
}

function pathLength(node: Node, row: Float64Array, depth: number): number {
  if (node.leaf) return depth + averagePath(node.size);
  return pathLength(row[node.feature] < node.split ? node.left : node.right, row, depth + 1);
}

export class MiniIsolationForest {
  private trees: Node[] = [];
  private sampleSize = 256;

  fit(X: Matrix, seed: number, trees = 100, sampleSize = 256): void {
    const rng = createRng(seed);
    this.sampleSize = Math.min(sampleSize, X.rows);
    const limit = Math.ceil(Math.log2(this.sampleSize));
    this.trees = Array.from({ length: trees }, () => {
      const rows = Array.from({ length: this.sampleSize }, () => rng.int(X.rows));
      return grow(X, rows, 0, limit, rng);
    });
  }

  /** Higher = more anomalous, in (0, 1). */
  score(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows);
    const c = averagePath(this.sampleSize);
    for (let i = 0; i < X.rows; i++) {
      const row = X.data.subarray(i * X.cols, (i + 1) * X.cols);
      const mean = this.trees.reduce((s, t) => s + pathLength(t, row, 0), 0) / this.trees.length;
      out[i] = 2 ** (-mean / c);
    }
    return out;
  }
}
