import type { Matrix } from '../matrix';
import { buildKdTree, type KdLayout } from './kd-tree.build';
import { DEFAULT_METRIC, type Metric, type MetricSpec } from './metric';
import { gatherColumns, type Neighbours } from './nearest';

/**
 * Rounding allowance for pruning. A lower bound summed in floats can exceed
 * the true cost (squared distance, say) by a relative (cols + 5·depth)·2⁻⁵³ or so, and
 * the kernel's sum can fall short of it by cols·2⁻⁵³; a subtree is skipped
 * only when its bound clears the k-th best by more than that, so no row the
 * brute-force scan would keep is ever skipped (for up to ~10⁶ columns).
 */
const SLACK = 1e-9;
/** The same allowance in absolute terms, for squares that underflow to subnormals or zero. */
const TINY = 1e-300;

/**
 * Exact k-nearest-neighbour search over a reference sample: a kd-tree on its
 * distinct rows, pruned by the query's distance to each subtree's range.
 * It finds the same k costs, bit for bit, as scanning every row with the
 * metric's `cost` kernel: pruning only skips rows that could not enter the k
 * best, and every cost it does compute comes from that same kernel. Costs are
 * squared distances for the Euclidean metric (the default).
 */
export class KdTree {
  readonly cols: number;
  private readonly query: Float64Array;
  /** Per column, the query's distance to the current node's range in it (0 inside it). */
  private readonly offsets: Float64Array;

  private readonly metric: Metric;

  constructor(
    private readonly tree: KdLayout,
    metric: MetricSpec = DEFAULT_METRIC,
  ) {
    this.metric = metric.bind(tree.columnOrder);
    this.cols = tree.cols;
    this.query = new Float64Array(tree.cols);
    this.offsets = new Float64Array(tree.cols);
  }

  static build(points: Matrix, metric: MetricSpec = DEFAULT_METRIC): KdTree {
    return new KdTree(buildKdTree(points, metric.columnOrder?.(points)), metric);
  }

  /** The distance a cost stands for (the square root of a squared Euclidean distance, say). */
  distance(cost: number): number {
    return this.metric.distance(cost);
  }

  /** Leaves the k smallest costs (squared distances for Euclidean) from row `q` of X in `neighbours`. */
  nearest(X: Matrix, q: number, neighbours: Neighbours): void {
    gatherColumns(this.tree.columnOrder, X.data, q * this.cols, this.query, 0);
    neighbours.reset();
    this.visit(0, this.enterRoot(), neighbours);
  }

  /** Sets each column's offset from the whole sample's range; returns the sum of their terms. */
  private enterRoot(): number {
    const { query, offsets, cols, metric } = this;
    const { boxes, boxAt } = this.tree;
    const at = boxAt[0];
    let lowerBound = 0;
    for (let d = 0; d < cols; d++) {
      const offset = outside(query[d], boxes[at + d], boxes[at + cols + d]);
      offsets[d] = offset;
      lowerBound += metric.term(offset, d);
    }
    return lowerBound;
  }

  /**
   * Nearer child first. A child's bound swaps the parent's offset in the split
   * column for its own: O(1) per node instead of a distance to its whole box.
   */
  private visit(node: number, lowerBound: number, neighbours: Neighbours): void {
    const { splitColumn, right, low, high } = this.tree;
    const column = splitColumn[node];
    if (column < 0) return this.scanLeaf(node, neighbours);
    const v = this.query[column];
    const parent = this.offsets[column];
    const left = node + 1;
    // A child's range lies inside its parent's, so its offset is never smaller; max() keeps rounding from saying otherwise.
    const leftOffset = Math.max(outside(v, low[left], high[left]), parent);
    const rightOffset = Math.max(outside(v, low[right[node]], high[right[node]]), parent);
    const { term } = this.metric;
    const parentTerm = term(parent, column);
    const leftBound = lowerBound + (term(leftOffset, column) - parentTerm);
    const rightBound = lowerBound + (term(rightOffset, column) - parentTerm);
    if (leftBound <= rightBound) {
      this.descend(left, column, leftOffset, leftBound, neighbours);
      this.descend(right[node], column, rightOffset, rightBound, neighbours);
    } else {
      this.descend(right[node], column, rightOffset, rightBound, neighbours);
      this.descend(left, column, leftOffset, leftBound, neighbours);
    }
    this.offsets[column] = parent;
  }

  private descend(node: number, column: number, offset: number, lowerBound: number, neighbours: Neighbours): void {
    if (lowerBound > pruneAbove(neighbours.bound)) return;
    this.offsets[column] = offset;
    this.visit(node, lowerBound, neighbours);
  }

  private scanLeaf(node: number, neighbours: Neighbours): void {
    const { first, end, boxAt, rows, copies } = this.tree;
    if (this.boxExcludes(boxAt[node], neighbours.bound)) return;
    const { cost } = this.metric;
    for (let j = first[node]; j < end[node]; j++) {
      neighbours.offer(cost(this.query, rows, j * this.cols, neighbours.bound), copies[j]);
    }
  }

  /**
   * The distance to a leaf's bounding box counts every column, where the walk
   * down counted only split columns: it turns away most leaves a query far
   * from the sample would otherwise scan.
   */
  private boxExcludes(at: number, bound: number): boolean {
    const { query, cols, metric } = this;
    const boxes = this.tree.boxes;
    const limit = pruneAbove(bound);
    let lowerBound = 0;
    for (let d = 0; d < cols; d++) {
      const offset = outside(query[d], boxes[at + d], boxes[at + cols + d]);
      lowerBound += metric.term(offset, d);
      if (lowerBound > limit) return true;
    }
    return false;
  }
}

/** How far v lies outside [low, high]. */
function outside(v: number, low: number, high: number): number {
  return v < low ? low - v : v > high ? v - high : 0;
}

/**
 * Rows whose lower bound on the cost exceeds this cannot enter the k best (the
 * k-th best being `bound`). Infinity while the k best are not yet filled;
 * below 0 once they are all 0, since then nothing can enter.
 */
function pruneAbove(bound: number): number {
  return bound === 0 ? -1 : (bound + TINY) * (1 + 2 * SLACK);
}
