import { z } from 'zod';
import { Forest, MAX_COLUMNS, MAX_NODES } from './forest';

const int = z.number().int();

export const forestStateSchema = z.object({
  cols: int.min(1).max(MAX_COLUMNS),
  sampleSize: int.min(2),
  roots: z.array(int),
  feature: z.array(int),
  split: z.array(z.number()),
  left: z.array(int),
  size: z.array(int),
});

export type ForestState = z.infer<typeof forestStateSchema>;

export function forestToState(forest: Forest): ForestState {
  const { roots, feature, split, left, size } = forest.nodes;
  return {
    cols: forest.cols,
    sampleSize: forest.sampleSize,
    roots: Array.from(roots),
    feature: Array.from(feature),
    split: Array.from(split),
    left: Array.from(left),
    size: Array.from(size),
  };
}

/** Rebuilds a forest, or says why the state cannot be one (a walk must never leave its tree). */
export function forestFromState(state: ForestState): Forest | string {
  const problem = structureProblem(state);
  if (problem !== undefined) return problem;
  return new Forest(state.cols, state.sampleSize, {
    roots: Int32Array.from(state.roots),
    feature: Int32Array.from(state.feature),
    split: Float64Array.from(state.split),
    left: Int32Array.from(state.left),
    size: Int32Array.from(state.size),
  });
}

function structureProblem(s: ForestState): string | undefined {
  const count = s.feature.length;
  if ([s.split, s.left, s.size].some((a) => a.length !== count)) return 'node arrays differ in length';
  if (count >= MAX_NODES) return 'too many nodes';
  if (s.roots.length === 0 || s.roots[0] !== 0) return 'the first tree must start at node 0';
  if (s.roots.some((r, t) => t > 0 && r <= s.roots[t - 1]) || s.roots[s.roots.length - 1] >= count) {
    return 'tree roots out of order';
  }
  return nodesProblem(s);
}

/** Every node after a root must be the child of exactly one earlier node of the same tree. */
function nodesProblem(s: ForestState): string | undefined {
  const count = s.feature.length;
  const reached = new Uint8Array(count);
  s.roots.forEach((r) => (reached[r] = 1));
  for (let i = 0, tree = 0; i < count; i++) {
    if (s.roots[tree + 1] === i) tree++;
    const end = s.roots[tree + 1] ?? count;
    if (!reached[i]) return `node ${i} is not reachable`;
    if (s.feature[i] === -1) {
      if (s.size[i] < 0 || s.size[i] > s.sampleSize) return `leaf ${i} has an impossible size`;
      continue;
    }
    const left = s.left[i];
    if (s.feature[i] < 0 || s.feature[i] >= s.cols) return `node ${i} splits on a missing column`;
    if (!Number.isFinite(s.split[i])) return `node ${i} has no finite split`;
    if (left <= i || left + 1 >= end || reached[left] || reached[left + 1]) return `node ${i} has bad children`;
    reached[left] = reached[left + 1] = 1;
  }
  return undefined;
}
