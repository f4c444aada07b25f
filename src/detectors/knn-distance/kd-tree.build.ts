import type { Matrix } from '../matrix';
import { columnsByVariance, gatherColumns } from './nearest';

/**
 * Rows per leaf, by measurement on encoded packet and flow records (with and
 * without injected attacks) and Gaussian sets: smaller leaves cost more box
 * checks than the rows they save, larger ones scan rows a split would skip.
 */
const LEAF_SIZE = 16;
/**
 * Rows that no column splits near its middle (one-hot columns, say) can make
 * a lopsided tree; past this depth a node stays a (larger) leaf, which bounds
 * the recursion of both the build and the search.
 */
const MAX_DEPTH = 64;

/**
 * A kd-tree over the distinct rows of a reference sample, in flat arrays.
 * Nodes are in preorder, so an inner node's left child is the next node and
 * every node owns a contiguous run of rows.
 */
export interface KdLayout {
  cols: number;
  /** Applied to every row and query; see `columnsByVariance`. */
  columnOrder: Int32Array;
  /** The distinct reference rows in tree order, row-major, columns in `columnOrder`. */
  rows: Float64Array;
  /** How many reference rows each distinct row stands for. */
  copies: Int32Array;
  /** Per node, its rows are first[node] until end[node]. */
  first: Int32Array;
  end: Int32Array;
  /** Per node, the column its children are split on; -1 for a leaf. */
  splitColumn: Int32Array;
  /** Per inner node, its right child. */
  right: Int32Array;
  /** Per node, the smallest and largest value of its rows in its parent's split column. */
  low: Float64Array;
  high: Float64Array;
  /** Per node, where its bounding box starts in `boxes`: set for the root and the leaves, else -1. */
  boxAt: Int32Array;
  /** Each box is `cols` lower corners, then `cols` upper corners. */
  boxes: Float64Array;
}

/** Deterministic: the same reference always gives the same tree, so load() can rebuild it. */
export function buildKdTree(points: Matrix, columnOrder: Int32Array = columnsByVariance(points)): KdLayout {
  const { cols } = points;
  const ordered = new Float64Array(points.data.length);
  for (let j = 0; j < points.rows; j++) gatherColumns(columnOrder, points.data, j * cols, ordered, j * cols);
  const { distinct, copies } = distinctRows({ rows: points.rows, cols, data: ordered });
  const nodes = new NodeBuilder(ordered, cols, distinct);
  nodes.split(0, distinct.length, 0, -Infinity, Infinity);
  const rows = new Float64Array(distinct.length * cols);
  distinct.forEach((j, i) => rows.set(ordered.subarray(j * cols, (j + 1) * cols), i * cols));
  return { cols, columnOrder, rows, copies: Int32Array.from(distinct, (j) => copies[j]), ...nodes.finish(rows) };
}

/**
 * One index per run of identical rows, in first-seen order, and how many rows
 * each run holds. Duplicates are common in encoded traffic (one-hot columns,
 * repeated packet sizes); searching each distinct row once keeps the tree
 * small and the search from scanning hundreds of equal distances.
 */
function distinctRows({ rows, cols, data }: Matrix): { distinct: Int32Array; copies: Int32Array } {
  const compareRows = (a: number, b: number): number => {
    for (let d = 0; d < cols; d++) {
      const x = data[a * cols + d];
      const y = data[b * cols + d];
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
  const sorted = Int32Array.from({ length: rows }, (_, i) => i).sort((a, b) => compareRows(a, b) || a - b);
  // Each run of equal rows is counted on its first row: ties were sorted by index.
  const copies = new Int32Array(rows);
  let lead = -1;
  for (const j of sorted) {
    if (lead >= 0 && compareRows(lead, j) === 0) copies[lead]++;
    else copies[(lead = j)] = 1;
  }
  return { distinct: Int32Array.from(copies.keys()).filter((j) => copies[j] > 0), copies };
}

class NodeBuilder {
  private readonly first: number[] = [];
  private readonly end: number[] = [];
  private readonly splitColumn: number[] = [];
  private readonly right: number[] = [];
  private readonly low: number[] = [];
  private readonly high: number[] = [];
  /** Scratch: one split column's values, sorted. */
  private readonly values: Float64Array;
  /** Scratch: the rows going right while partitioning. */
  private readonly spare: Int32Array;

  /** `order` lists row indices of `data`; split() permutes it into tree order. */
  constructor(
    private readonly data: Float64Array,
    private readonly cols: number,
    private readonly order: Int32Array,
  ) {
    this.values = new Float64Array(order.length);
    this.spare = new Int32Array(order.length);
  }

  /** Adds the node owning order[from..to) and its subtree; returns the node. */
  split(from: number, to: number, depth: number, low: number, high: number): number {
    const node = this.addNode(from, to, low, high);
    const column = to - from > LEAF_SIZE && depth < MAX_DEPTH ? this.widestColumn(from, to) : -1;
    if (column < 0) return node;
    const sorted = this.sortedValues(column, from, to);
    const cut = cutNearMiddle(sorted);
    // Read before recursing: the children reuse the scratch that `sorted` views.
    const [lowest, leftHighest, rightLowest, highest] = [sorted[0], sorted[cut - 1], sorted[cut], sorted[sorted.length - 1]];
    this.partition(column, from, to, rightLowest);
    this.splitColumn[node] = column;
    this.split(from, from + cut, depth + 1, lowest, leftHighest);
    this.right[node] = this.split(from + cut, to, depth + 1, rightLowest, highest);
    return node;
  }

  finish(rows: Float64Array): Omit<KdLayout, 'cols' | 'columnOrder' | 'rows' | 'copies'> {
    const first = Int32Array.from(this.first);
    const end = Int32Array.from(this.end);
    const splitColumn = Int32Array.from(this.splitColumn);
    const boxAt = new Int32Array(first.length).fill(-1);
    const boxed = Array.from(splitColumn.keys()).filter((node) => node === 0 || splitColumn[node] < 0);
    const boxes = new Float64Array(boxed.length * 2 * this.cols);
    boxed.forEach((node, i) => {
      boxAt[node] = i * 2 * this.cols;
      boundingBox(rows, this.cols, first[node], end[node], boxes, boxAt[node]);
    });
    const low = Float64Array.from(this.low);
    const high = Float64Array.from(this.high);
    return { first, end, splitColumn, right: Int32Array.from(this.right), low, high, boxAt, boxes };
  }

  private addNode(from: number, to: number, low: number, high: number): number {
    this.first.push(from);
    this.end.push(to);
    this.splitColumn.push(-1);
    this.right.push(-1);
    this.low.push(low);
    this.high.push(high);
    return this.first.length - 1;
  }

  /** The column of largest variance among those not constant over the rows; -1 if all are. */
  private widestColumn(from: number, to: number): number {
    const { data, cols, order } = this;
    const min = new Float64Array(cols).fill(Infinity);
    const max = new Float64Array(cols).fill(-Infinity);
    const sum = new Float64Array(cols);
    const squares = new Float64Array(cols);
    for (let i = from; i < to; i++) {
      for (let c = 0, at = order[i] * cols; c < cols; c++, at++) {
        const v = data[at];
        if (v < min[c]) min[c] = v;
        if (v > max[c]) max[c] = v;
        sum[c] += v;
        squares[c] += v * v;
      }
    }
    const n = to - from;
    let widest = -1;
    let widestVariance = -Infinity;
    for (let c = 0; c < cols; c++) {
      const variance = squares[c] / n - (sum[c] / n) ** 2;
      if (max[c] > min[c] && variance > widestVariance) {
        widest = c;
        widestVariance = variance;
      }
    }
    return widest;
  }

  private sortedValues(column: number, from: number, to: number): Float64Array {
    const values = this.values.subarray(0, to - from);
    for (let i = from; i < to; i++) values[i - from] = this.data[this.order[i] * this.cols + column];
    return values.sort();
  }

  /** Moves the rows below `threshold` in `column` ahead of the others, keeping their order. */
  private partition(column: number, from: number, to: number, threshold: number): void {
    const { data, cols, order, spare } = this;
    let left = from;
    let right = 0;
    for (let i = from; i < to; i++) {
      const j = order[i];
      if (data[j * cols + column] < threshold) order[left++] = j;
      else spare[right++] = j;
    }
    order.set(spare.subarray(0, right), left);
  }
}

/** Where to cut sorted values: the boundary between two different values nearest the middle, so equal values never straddle a cut. */
function cutNearMiddle(sorted: Float64Array): number {
  const middle = sorted.length >> 1;
  const pivot = sorted[middle];
  let below = middle;
  while (below > 0 && sorted[below - 1] === pivot) below--;
  let above = middle;
  while (above < sorted.length && sorted[above] === pivot) above++;
  if (below === 0) return above;
  if (above === sorted.length) return below;
  return middle - below <= above - middle ? below : above;
}

function boundingBox(rows: Float64Array, cols: number, from: number, to: number, boxes: Float64Array, at: number): void {
  for (let d = 0; d < cols; d++) {
    let min = Infinity;
    let max = -Infinity;
    for (let j = from; j < to; j++) {
      min = Math.min(min, rows[j * cols + d]);
      max = Math.max(max, rows[j * cols + d]);
    }
    boxes[at + d] = min;
    boxes[at + cols + d] = max;
  }
}
