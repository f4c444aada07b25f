import type { Matrix } from '../matrix';

/**
 * All trees of a forest in flat typed arrays, one slot per node: the stored
 * form. A leaf has feature -1 and left -1; an internal node sends x <= split
 * to left[i] and the rest to left[i] + 1. Children always come after their parent.
 */
export interface ForestNodes {
  /** Index of each tree's root; a tree's nodes run up to the next root. */
  roots: Int32Array;
  feature: Int32Array;
  split: Float64Array;
  left: Int32Array;
  /** Training rows that reached a leaf (0 for internal nodes). */
  size: Int32Array;
}

/**
 * The scoring form of the same nodes. A leaf becomes a node that loops to
 * itself (split +Infinity), so every walk takes exactly `steps` branch-free
 * steps. `code` packs a node's left child above its feature index, which
 * saves one memory load per step; a constant shift is faster than a variable one.
 */
interface WalkTables {
  /** The trees' roots, padded to a multiple of 8 with an empty tree: one leaf of path length 0. */
  roots: Int32Array;
  code: Int32Array;
  split: Float64Array;
  /** Per leaf: depth + c(size), the path length the leaf stands for. */
  pathLength: Float64Array;
  steps: number;
}

/** The walk loop spells out the shift (10) and mask (1023) as literals: keep them in step. */
const FEATURE_BITS = 10;
/** The packed code limits columns and nodes: 10 bits of feature index, 21 bits of node index. */
export const MAX_COLUMNS = 1 << FEATURE_BITS;
export const MAX_NODES = 1 << (31 - FEATURE_BITS);

const EULER_GAMMA = 0.5772156649015329;

/** c(n): mean path length of an unsuccessful BST search, the expected depth left in an n-row leaf. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

export class Forest {
  private readonly walk: WalkTables;
  private readonly normalizer: number;

  /** Expects a structure that growForest built or that passed the state checks. */
  constructor(
    readonly cols: number,
    readonly sampleSize: number,
    readonly nodes: ForestNodes,
  ) {
    this.walk = walkTables(nodes);
    this.normalizer = averagePathLength(sampleSize);
  }

  get trees(): number {
    return this.nodes.roots.length;
  }

  /** 2^(-E[h(x)] / c(sampleSize)): near 1 is isolated early (anomalous), about 0.5 or less is ordinary. */
  score(X: Matrix): Float64Array {
    const out = totalPathLengths(this.walk, X);
    const scale = -1 / (this.trees * this.normalizer);
    for (let r = 0; r < X.rows; r++) out[r] = 2 ** (out[r] * scale);
    return out;
  }
}

/**
 * Walks eight trees side by side: the walks are independent, so the CPU
 * overlaps their memory loads. One walk at a time with a branch per node
 * measured at under a third of this speed (branch misses, load latency).
 */
function totalPathLengths(walk: WalkTables, X: Matrix): Float64Array {
  const { roots, code, split, pathLength, steps } = walk;
  const { data, cols } = X;
  const out = new Float64Array(X.rows);
  for (let r = 0, o = 0; r < X.rows; r++, o += cols) {
    let total = 0;
    for (let t = 0; t < roots.length; t += 8) {
      let a = roots[t], b = roots[t + 1], c = roots[t + 2], d = roots[t + 3];
      let e = roots[t + 4], f = roots[t + 5], g = roots[t + 6], h = roots[t + 7];
      for (let s = 0; s < steps; s++) {
        const ca = code[a], cb = code[b], cc = code[c], cd = code[d];
        const ce = code[e], cf = code[f], cg = code[g], ch = code[h];
        a = (ca >> 10) + Number(data[o + (ca & 1023)] > split[a]);
        b = (cb >> 10) + Number(data[o + (cb & 1023)] > split[b]);
        c = (cc >> 10) + Number(data[o + (cc & 1023)] > split[c]);
        d = (cd >> 10) + Number(data[o + (cd & 1023)] > split[d]);
        e = (ce >> 10) + Number(data[o + (ce & 1023)] > split[e]);
        f = (cf >> 10) + Number(data[o + (cf & 1023)] > split[f]);
        g = (cg >> 10) + Number(data[o + (cg & 1023)] > split[g]);
        h = (ch >> 10) + Number(data[o + (ch & 1023)] > split[h]);
      }
      total += pathLength[a] + pathLength[b] + pathLength[c] + pathLength[d];
      total += pathLength[e] + pathLength[f] + pathLength[g] + pathLength[h];
    }
    out[r] = total;
  }
  return out;
}

function walkTables(nodes: ForestNodes): WalkTables {
  const count = nodes.feature.length;
  const empty = count;
  const roots = new Int32Array(Math.ceil(nodes.roots.length / 8) * 8).fill(empty);
  roots.set(nodes.roots);
  const walk: WalkTables = {
    roots,
    code: new Int32Array(count + 1),
    split: new Float64Array(count + 1).fill(Infinity),
    pathLength: new Float64Array(count + 1),
    steps: 0,
  };
  walk.code[empty] = empty << FEATURE_BITS;
  const depth = new Int32Array(count); // roots start at 0
  for (let i = 0; i < count; i++) {
    const left = nodes.left[i];
    if (nodes.feature[i] < 0) {
      walk.code[i] = i << FEATURE_BITS;
      walk.pathLength[i] = depth[i] + averagePathLength(nodes.size[i]);
      walk.steps = Math.max(walk.steps, depth[i]);
    } else {
      walk.code[i] = (left << FEATURE_BITS) | nodes.feature[i];
      walk.split[i] = nodes.split[i];
      depth[left] = depth[left + 1] = depth[i] + 1;
    }
  }
  return walk;
}
