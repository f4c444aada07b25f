import type { Matrix } from '../matrix';
import { columnsByVariance, gatherColumns } from './nearest';

/**
 * Rows per leaf. Measured on encoded packet and flow records and Gaussian
 * sets: 4 spends more on tree walking than it saves, 16 scans rows a finer
 * split would have skipped.
 */
const LEAF_SIZE = 8;
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
export function buildKdTree(points: Matrix): KdLayout {
  const { cols } = points;
  const columnOrder = columnsByVariance(points);
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

  /** `order` lists row indices of `data`; split() permutes it into tree order. */
  constructor(
    private readonly data: Float64Array,
    private readonly cols: number,
    private readonly order: Int32Array,
  ) {}

  /** Adds the node owning order[from..to) and its subtree; returns the node. */
  split(from: number, to: number, depth: number, low: number, high: number): number {
    const node = this.first.length;
    this.first.push(from);
    this.end.push(to);
    this.splitColumn.push(-1);
    this.right.push(-1);
    this.low.push(low);
    this.high.push(high);
    const column = to - from > LEAF_SIZE && depth < MAX_DEPTH ? this.widestColumn(from, to) : -1;
    if (column < 0) return node;
    this.sortBy(column, from, to);
    const cut = this.cutNearMiddle(column, from, to);
    this.splitColumn[node] = column;
    this.split(from, cut, depth + 1, this.value(from, column), this.value(cut - 1, column));
    this.right[node] = this.split(cut, to, depth + 1, this.value(cut, column), this.value(to - 1, column));
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

  private value(at: number, column: number): number {
    return this.data[this.order[at] * this.cols + column];
  }

  /** The column of largest variance among those not constant over the rows; -1 if all are. */
  private widestColumn(from: number, to: number): number {
    const n = to - from;
    let widest = -1;
    let widestVariance = -Infinity;
    for (let c = 0; c < this.cols; c++) {
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      let squares = 0;
      for (let i = from; i < to; i++) {
        const v = this.value(i, c);
        min = Math.min(min, v);
        max = Math.max(max, v);
        sum += v;
        squares += v * v;
      }
      const variance = squares / n - (sum / n) ** 2;
      if (max > min && variance > widestVariance) {
        widest = c;
        widestVariance = variance;
      }
    }
    return widest;
  }

  private sortBy(column: number, from: number, to: number): void {
    const { data, cols } = this;
    this.order.subarray(from, to).sort((a, b) => data[a * cols + column] - data[b * cols + column] || a - b);
  }

  /** The boundary between two different values nearest the middle: equal values never straddle a cut. */
  private cutNearMiddle(column: number, from: number, to: number): number {
    const middle = from + ((to - from) >> 1);
    const pivot = this.value(middle, column);
    let below = middle;
    while (below > from && this.value(below - 1, column) === pivot) below--;
    let above = middle;
    while (above < to && this.value(above, column) === pivot) above++;
    if (below === from) return above;
    if (above === to) return below;
    return middle - below <= above - middle ? below : above;
  }
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
