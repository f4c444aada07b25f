import type { Rng } from '../../util/random';
import type { Matrix } from '../matrix';

/**
 * Tan, Ting & Liu's half-space trees: complete binary trees of a fixed depth
 * whose splits halve a random work space; they never look at the data's
 * values beyond each column's range, so the structure is fixed and only
 * node masses change as data streams in. Heap layout: node i has children
 * 2i+1 and 2i+2; the first `internal` nodes of a tree split, the rest are leaves.
 */
export class HalfSpaceForest {
  readonly internal: number;
  readonly nodes: number;

  constructor(
    readonly cols: number,
    readonly trees: number,
    readonly depth: number,
    /** Per tree, per internal node: the column it splits on and where. */
    readonly splitColumn: Int32Array,
    readonly splitValue: Float64Array,
    /** Per tree, per node: rows of the reference profile (scores read it) and of the window being filled. */
    readonly reference: Float64Array,
    readonly latest: Float64Array,
  ) {
    this.internal = 2 ** depth - 1;
    this.nodes = 2 ** (depth + 1) - 1;
  }

  static grow(X: Matrix, trees: number, depth: number, rng: Rng): HalfSpaceForest {
    const internal = 2 ** depth - 1;
    const nodes = 2 ** (depth + 1) - 1;
    const [min, max] = columnRanges(X);
    const splitColumn = new Int32Array(trees * internal);
    const splitValue = new Float64Array(trees * internal);
    const lo = new Float64Array(X.cols);
    const hi = new Float64Array(X.cols);
    for (let t = 0; t < trees; t++) {
      // A random centre in each column's range, and a work space wide enough to hold the range from it.
      for (let c = 0; c < X.cols; c++) {
        const s = min[c] + rng.next() * (max[c] - min[c]);
        const half = 2 * Math.max(s - min[c], max[c] - s);
        lo[c] = s - half;
        hi[c] = s + half;
      }
      growNode(0, t * internal, internal, lo, hi, splitColumn, splitValue, rng);
    }
    return new HalfSpaceForest(X.cols, trees, depth, splitColumn, splitValue, new Float64Array(trees * nodes), new Float64Array(trees * nodes));
  }

  /** Adds every row of X to `mass` along its path in each tree. */
  record(X: Matrix, mass: Float64Array, row: number): void {
    for (let t = 0; t < this.trees; t++) {
      const base = t * this.nodes;
      const splits = t * this.internal;
      let node = 0;
      mass[base]++;
      while (node < this.internal) {
        node = this.child(X, row, splits, node);
        mass[base + node]++;
      }
    }
  }

  /**
   * Mean over trees of the row's mass density: reference rows at the node where
   * the walk stops, over the reference total, times 2^depth (each level halves
   * the volume). A walk stops early where fewer than `minMass` reference rows remain.
   */
  density(X: Matrix, row: number, total: number, minMass: number): number {
    let sum = 0;
    for (let t = 0; t < this.trees; t++) {
      const base = t * this.nodes;
      const splits = t * this.internal;
      let node = 0;
      let level = 0;
      while (node < this.internal && this.reference[base + node] >= minMass) {
        node = this.child(X, row, splits, node);
        level++;
      }
      sum += ((this.reference[base + node] + 1) / (total + 1)) * 2 ** level;
    }
    return sum / this.trees;
  }

  private child(X: Matrix, row: number, splits: number, node: number): number {
    const at = splits + node;
    return X.data[row * X.cols + this.splitColumn[at]] < this.splitValue[at] ? 2 * node + 1 : 2 * node + 2;
  }
}

function growNode(
  node: number,
  offset: number,
  internal: number,
  lo: Float64Array,
  hi: Float64Array,
  splitColumn: Int32Array,
  splitValue: Float64Array,
  rng: Rng,
): void {
  if (node >= internal) return;
  const c = rng.int(lo.length);
  const mid = (lo[c] + hi[c]) / 2;
  splitColumn[offset + node] = c;
  splitValue[offset + node] = mid;
  const saved = hi[c];
  hi[c] = mid;
  growNode(2 * node + 1, offset, internal, lo, hi, splitColumn, splitValue, rng);
  hi[c] = saved;
  const savedLo = lo[c];
  lo[c] = mid;
  growNode(2 * node + 2, offset, internal, lo, hi, splitColumn, splitValue, rng);
  lo[c] = savedLo;
}

function columnRanges(X: Matrix): [Float64Array, Float64Array] {
  const min = new Float64Array(X.cols).fill(Infinity);
  const max = new Float64Array(X.cols).fill(-Infinity);
  for (let r = 0; r < X.rows; r++) {
    for (let c = 0; c < X.cols; c++) {
      const v = X.data[r * X.cols + c];
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
  }
  return [min, max];
}
