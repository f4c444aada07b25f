import { z } from 'zod';
import { createRng } from '../../util/random';
import type { Detector, FitOptions, SerializedDetector } from '../detector.types';
import { assertColumns, assertTrainingData, notFitted } from '../input-checks';
import type { Matrix } from '../matrix';
import { invalidState } from '../state';
import { HalfSpaceForest } from './half-space-forest';
import { packFloat64, packInt32, unpackFloat64, unpackInt32 } from './packed-arrays';

export const HALF_SPACE_TREES = 'half-space-trees';
export const HALF_SPACE_TREES_STATE_VERSION = 1;

export const halfSpaceTreesParams = z.strictObject({
  nEstimators: z.number().int().min(1).max(200).default(50).describe('Number of trees.'),
  depth: z.number().int().min(1).max(14).default(12).describe('Depth of every tree; a tree has 2^(depth+1) - 1 nodes.'),
  windowSize: z
    .number()
    .int()
    .min(16)
    .max(1_000_000)
    .default(2048)
    .describe('Rows per streaming window: once partialFit has seen this many, they replace the reference profile.'),
  sizeLimit: z
    .number()
    .min(0)
    .max(0.5)
    .default(0.05)
    .describe('A walk stops at a node holding less than this share of the reference rows.'),
});

export type HalfSpaceTreesParams = z.infer<typeof halfSpaceTreesParams>;

const count = z.number().int().min(0);

/** The node arrays are base64 typed arrays (packed-arrays.ts). */
export const halfSpaceTreesStateSchema = z.object({
  cols: z.number().int().min(1),
  splitColumn: z.string(),
  splitValue: z.string(),
  reference: z.string(),
  latest: z.string(),
  referenceRows: z.number().int().min(1),
  latestRows: count,
});

export type HalfSpaceTreesState = z.infer<typeof halfSpaceTreesStateSchema>;

/**
 * Streaming half-space trees: fit() builds the trees and a reference profile
 * from the training rows; partialFit() fills a window that, once full,
 * becomes the reference, so the model follows a drifting network.
 */
export class HalfSpaceTreesDetector implements Detector {
  readonly name = HALF_SPACE_TREES;

  constructor(
    private readonly params: HalfSpaceTreesParams,
    private forest?: HalfSpaceForest,
    private referenceRows = 0,
    private latestRows = 0,
  ) {}

  fit(X: Matrix, { seed }: FitOptions): void {
    assertTrainingData(this.name, X, 2);
    const forest = HalfSpaceForest.grow(X, this.params.nEstimators, this.params.depth, createRng(seed));
    for (let r = 0; r < X.rows; r++) forest.record(X, forest.reference, r);
    this.forest = forest;
    this.referenceRows = X.rows;
    this.latestRows = 0;
  }

  partialFit(X: Matrix): void {
    const forest = this.fitted();
    assertColumns(this.name, X, forest.cols);
    if (X.rows > 0) assertTrainingData(this.name, X, 1);
    for (let r = 0; r < X.rows; r++) {
      forest.record(X, forest.latest, r);
      if (++this.latestRows === this.params.windowSize) {
        forest.reference.set(forest.latest);
        forest.latest.fill(0);
        this.referenceRows = this.latestRows;
        this.latestRows = 0;
      }
    }
  }

  /** -ln of the mass density: rows in regions the reference rows rarely visit score high. */
  score(X: Matrix): Float64Array {
    const forest = this.fitted();
    assertColumns(this.name, X, forest.cols);
    const minMass = this.params.sizeLimit * this.referenceRows;
    const out = new Float64Array(X.rows);
    for (let r = 0; r < X.rows; r++) out[r] = -Math.log(forest.density(X, r, this.referenceRows, minMass));
    return out;
  }

  serialize(): SerializedDetector {
    const f = this.fitted();
    return {
      detector: this.name,
      stateVersion: HALF_SPACE_TREES_STATE_VERSION,
      params: { ...this.params },
      state: {
        cols: f.cols,
        splitColumn: packInt32(f.splitColumn),
        splitValue: packFloat64(f.splitValue),
        reference: packInt32(Int32Array.from(f.reference)),
        latest: packInt32(Int32Array.from(f.latest)),
        referenceRows: this.referenceRows,
        latestRows: this.latestRows,
      },
    };
  }

  static restore(params: HalfSpaceTreesParams, s: HalfSpaceTreesState): HalfSpaceTreesDetector {
    const fail = (reason: string) => invalidState(HALF_SPACE_TREES, reason);
    const perTree = 2 ** (params.depth + 1) - 1;
    const internal = params.nEstimators * (2 ** params.depth - 1);
    const nodes = params.nEstimators * perTree;
    const splitColumn = unpackInt32(s.splitColumn, internal);
    const splitValue = unpackFloat64(s.splitValue, internal);
    const reference = unpackInt32(s.reference, nodes);
    const latest = unpackInt32(s.latest, nodes);
    if (!splitColumn || !splitValue || !reference || !latest) throw fail('node arrays do not match the params');
    if (splitColumn.some((c) => c < 0 || c >= s.cols)) throw fail('a split uses a missing column');
    if (!splitValue.every(Number.isFinite)) throw fail('a split value is not finite');
    if ([...reference, ...latest].some((m) => m < 0)) throw fail('a node mass is negative');
    if (s.latestRows >= params.windowSize) throw fail('the window is fuller than windowSize');
    for (let root = 0; root < nodes; root += perTree) {
      // Every row passes through the root, so each tree's root holds the profile's row count.
      if (reference[root] !== s.referenceRows || latest[root] !== s.latestRows) throw fail('root masses do not match the row counts');
    }
    const forest = new HalfSpaceForest(
      s.cols,
      params.nEstimators,
      params.depth,
      splitColumn,
      splitValue,
      Float64Array.from(reference),
      Float64Array.from(latest),
    );
    return new HalfSpaceTreesDetector(params, forest, s.referenceRows, s.latestRows);
  }

  private fitted(): HalfSpaceForest {
    if (this.forest === undefined) throw notFitted(this.name);
    return this.forest;
  }
}
