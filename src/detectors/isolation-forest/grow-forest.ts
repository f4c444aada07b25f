import type { Rng } from '../../util/random';
import type { Matrix } from '../matrix';
import { subsampler } from '../sampling';
import { Forest, type ForestNodes } from './forest';

interface Growth {
  X: Matrix;
  rng: Rng;
  maxDepth: number;
  /** Training row indices of the current tree; each node owns a slice. */
  rows: Int32Array;
  /** Column order reshuffled at every node to pick a split feature. */
  columns: Int32Array;
  nodes: ForestNodes;
  count: number;
}

/**
 * Liu et al.'s isolation forest: each tree sees its own random subsample of
 * `maxSamples` rows and stops at depth ceil(log2(sample size)), because only
 * the short paths of anomalies matter.
 */
export function growForest(X: Matrix, trees: number, maxSamples: number, rng: Rng): Forest {
  const sampleSize = Math.min(maxSamples, X.rows);
  const capacity = trees * (2 * sampleSize - 1);
  const g: Growth = {
    X,
    rng,
    maxDepth: Math.ceil(Math.log2(sampleSize)),
    rows: new Int32Array(sampleSize),
    columns: Int32Array.from({ length: X.cols }, (_, i) => i),
    nodes: {
      roots: new Int32Array(trees),
      feature: new Int32Array(capacity),
      split: new Float64Array(capacity),
      left: new Int32Array(capacity),
      size: new Int32Array(capacity),
    },
    count: 0,
  };
  const draw = subsampler(X.rows, rng);
  for (let t = 0; t < trees; t++) {
    draw(g.rows);
    g.nodes.roots[t] = g.count++;
    growNode(g, g.nodes.roots[t], 0, sampleSize, 0);
  }
  return new Forest(X.cols, sampleSize, trimmed(g.nodes, g.count));
}

function growNode(g: Growth, node: number, lo: number, hi: number, depth: number): void {
  const split = depth < g.maxDepth && hi - lo > 1 ? chooseSplit(g, lo, hi) : undefined;
  if (split === undefined) {
    g.nodes.feature[node] = -1;
    g.nodes.left[node] = -1;
    g.nodes.size[node] = hi - lo;
    return;
  }
  const mid = partition(g, lo, hi, split.feature, split.value);
  const left = g.count;
  g.count += 2;
  g.nodes.feature[node] = split.feature;
  g.nodes.split[node] = split.value;
  g.nodes.left[node] = left;
  growNode(g, left, lo, mid, depth + 1);
  growNode(g, left + 1, mid, hi, depth + 1);
}

/**
 * A random value between min and max of a random column. Columns that are
 * constant within the node cannot separate anything and are passed over;
 * when every column is constant the rows are identical and the node is a leaf.
 */
function chooseSplit(g: Growth, lo: number, hi: number): { feature: number; value: number } | undefined {
  const { columns, rng } = g;
  for (let remaining = columns.length; remaining > 0; remaining--) {
    const pick = rng.int(remaining);
    const feature = columns[pick];
    columns[pick] = columns[remaining - 1];
    columns[remaining - 1] = feature;
    const [min, max] = columnRange(g, lo, hi, feature);
    if (max > min) {
      const value = min + rng.next() * (max - min);
      // Rounding can land on max, which would send every row left.
      return { feature, value: value < max ? value : min };
    }
  }
  return undefined;
}

function columnRange({ X, rows }: Growth, lo: number, hi: number, feature: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = lo; i < hi; i++) {
    const v = X.data[rows[i] * X.cols + feature];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** Reorders rows[lo..hi) so rows with x <= value come first; returns where the rest start. */
function partition({ X, rows }: Growth, lo: number, hi: number, feature: number, value: number): number {
  let mid = lo;
  for (let i = lo; i < hi; i++) {
    if (X.data[rows[i] * X.cols + feature] <= value) {
      const row = rows[i];
      rows[i] = rows[mid];
      rows[mid++] = row;
    }
  }
  return mid;
}

function trimmed(nodes: ForestNodes, count: number): ForestNodes {
  return {
    roots: nodes.roots,
    feature: nodes.feature.slice(0, count),
    split: nodes.split.slice(0, count),
    left: nodes.left.slice(0, count),
    size: nodes.size.slice(0, count),
  };
}
