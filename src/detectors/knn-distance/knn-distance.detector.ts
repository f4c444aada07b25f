import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import { ErrorCode } from '../../errors/error-codes';
import { createRng } from '../../util/random';
import type { Detector, FitOptions, SerializedDetector } from '../detector.types';
import { assertColumns, assertTrainingData, notFitted } from '../input-checks';
import { matrixRow, type Matrix } from '../matrix';
import { subsampler } from '../sampling';
import { invalidState } from '../state';
import { KdTree } from './kd-tree';
import { METRICS, metricOf, quantilesPlusEncoded, type MetricSpec } from './metric';
import { Neighbours } from './nearest';
import { applyRankScale, fitRankScale, KNOTS, type RankScale } from './rank-scale';

export const KNN_DISTANCE = 'knn-distance';
export const KNN_DISTANCE_STATE_VERSION = 1;

export const knnDistanceParams = z
  .strictObject({
    k: z.number().int().min(1).max(100).default(10).describe('Neighbours that decide a score.'),
    aggregate: z
      .enum(['kth', 'mean'])
      .default('mean')
      .describe('Score = distance to the k-th neighbour, or the mean distance to all k.'),
    maxSamples: z
      .number()
      .int()
      .min(2)
      .max(65536)
      .default(4096)
      .describe('Training rows kept as the reference sample; scoring time grows with it, slower than in proportion.'),
    metric: z
      .enum(METRICS)
      .default('euclidean')
      .describe('Distance: euclidean, manhattan (sum of column differences) or fractional (sum of their square roots: one column far off cannot drown all the others, Aggarwal et al. 2001).'),
    scale: z
      .enum(['none', 'rank'])
      .default('none')
      .describe('none: columns as encoded; rank: each column by its training quantile, extended linearly past the central 99%, so long-tailed counts, mostly-zero rates and flags weigh alike.'),
    encodedWeight: z
      .number()
      .min(0)
      .max(10)
      .default(0)
      .describe(
        'With scale = rank and metric = manhattan: adds this weight times the fractional distance of the columns as encoded, so what quantiles flatten (a value in the thin tail of a tight mode, a cluster set apart from the bulk) still counts. 0: quantiles alone.',
      ),
  })
  .refine((p) => p.maxSamples > p.k, {
    path: ['maxSamples'],
    message: 'must exceed k: a reference row never counts as its own neighbour',
  })
  .refine((p) => p.encodedWeight === 0 || (p.scale === 'rank' && p.metric === 'manhattan'), {
    path: ['encodedWeight'],
    message: 'needs scale = rank and metric = manhattan',
  });

export type KnnDistanceParams = z.infer<typeof knnDistanceParams>;

const finite = z.number().refine(Number.isFinite, 'must be finite');

/** Only the sample (and the rank scale): the search tree is rebuilt from them on load (deterministically, in milliseconds). */
export const knnStateSchema = z.object({
  cols: z.number().int().min(1),
  rows: z.number().int().min(2),
  /** The reference sample, row-major, as encoded. */
  reference: z.array(z.number()),
  /** With scale = rank: per column KNOTS quantiles (column after column) and the slopes past them. */
  ranks: z.object({ knots: z.array(finite), slopeLow: z.array(finite), slopeHigh: z.array(finite) }).optional(),
});

export type KnnState = z.infer<typeof knnStateSchema>;

interface Fitted {
  /** Kept as sampled, for serialize(). */
  reference: Matrix;
  ranks?: RankScale;
  /** Searches the reference as searchRows() lays it out. */
  index: KdTree;
}

/** Distance to the nearest reference rows: far from every training row means anomalous. */
export class KnnDistanceDetector implements Detector {
  readonly name = KNN_DISTANCE;

  constructor(
    private readonly params: KnnDistanceParams,
    private model?: Fitted,
  ) {}

  /**
   * Keeps a seeded uniform sample of maxSamples rows; needs k + 1 rows so k
   * neighbours remain besides the row itself. The rank scale (if any) is
   * fitted on every training row.
   */
  fit(X: Matrix, { seed }: FitOptions): void {
    assertTrainingData(this.name, X, this.params.k + 1);
    const ranks = this.params.scale === 'rank' ? fitRankScale(X) : undefined;
    this.model = indexed(this.params, sampleRows(X, this.params.maxSamples, seed), ranks);
  }

  score(X: Matrix): Float64Array {
    const { index, reference, ranks } = this.fitted();
    assertColumns(this.name, X, reference.cols);
    assertFiniteQueries(X);
    const Q = searchRows(this.params, X, ranks);
    const neighbours = new Neighbours(this.params.k);
    const out = new Float64Array(X.rows);
    for (let q = 0; q < X.rows; q++) {
      index.nearest(Q, q, neighbours);
      const { best } = neighbours;
      out[q] = this.params.aggregate === 'kth' ? index.distance(best[best.length - 1]) : meanDistance(best, index);
    }
    return out;
  }

  serialize(): SerializedDetector {
    const { reference, ranks } = this.fitted();
    const { rows, cols, data } = reference;
    const state: KnnState = { cols, rows, reference: Array.from(data) };
    if (ranks !== undefined) {
      state.ranks = { knots: Array.from(ranks.knots), slopeLow: Array.from(ranks.slopeLow), slopeHigh: Array.from(ranks.slopeHigh) };
    }
    return { detector: this.name, stateVersion: KNN_DISTANCE_STATE_VERSION, params: { ...this.params }, state };
  }

  static restore(params: KnnDistanceParams, state: KnnState): KnnDistanceDetector {
    const { rows, cols, reference } = state;
    if (reference.length !== rows * cols) throw invalidState(KNN_DISTANCE, 'reference is not rows × cols');
    if (rows <= params.k || rows > params.maxSamples) {
      throw invalidState(KNN_DISTANCE, 'reference size does not match the params');
    }
    const ranks = restoreRanks(params, state);
    return new KnnDistanceDetector(params, indexed(params, { rows, cols, data: Float64Array.from(reference) }, ranks));
  }

  private fitted(): Fitted {
    if (this.model === undefined) throw notFitted(this.name);
    return this.model;
  }
}

function indexed(params: KnnDistanceParams, reference: Matrix, ranks?: RankScale): Fitted {
  return { reference, ranks, index: KdTree.build(searchRows(params, reference, ranks), metricSpec(params, reference.cols)) };
}

/** Rows as the metric sees them: as encoded, on the rank scale, or both side by side (ranks first). */
function searchRows(params: KnnDistanceParams, X: Matrix, ranks: RankScale | undefined): Matrix {
  if (ranks === undefined) return X;
  const R = applyRankScale(ranks, X);
  if (params.encodedWeight === 0) return R;
  const cols = 2 * X.cols;
  const data = new Float64Array(X.rows * cols);
  for (let r = 0; r < X.rows; r++) {
    data.set(R.data.subarray(r * X.cols, (r + 1) * X.cols), r * cols);
    data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), r * cols + X.cols);
  }
  return { rows: X.rows, cols, data };
}

function metricSpec(params: KnnDistanceParams, cols: number): MetricSpec {
  return params.encodedWeight > 0 ? quantilesPlusEncoded(cols, params.encodedWeight) : metricOf(params.metric);
}

function restoreRanks(params: KnnDistanceParams, { cols, ranks }: KnnState): RankScale | undefined {
  if ((params.scale === 'rank') !== (ranks !== undefined)) throw invalidState(KNN_DISTANCE, 'the rank scale does not match the scale param');
  if (ranks === undefined) return undefined;
  const { knots, slopeLow, slopeHigh } = ranks;
  if (knots.length !== cols * KNOTS || slopeLow.length !== cols || slopeHigh.length !== cols) {
    throw invalidState(KNN_DISTANCE, 'the rank scale does not match cols');
  }
  for (let c = 0; c < cols; c++) {
    for (let i = 1; i < KNOTS; i++) if (knots[c * KNOTS + i] < knots[c * KNOTS + i - 1]) throw invalidState(KNN_DISTANCE, `rank knots of column ${c} are not sorted`);
  }
  if ([...slopeLow, ...slopeHigh].some((s) => !(s > 0))) throw invalidState(KNN_DISTANCE, 'rank slopes must be positive');
  return { cols, knots: Float64Array.from(knots), slopeLow: Float64Array.from(slopeLow), slopeHigh: Float64Array.from(slopeHigh) };
}

/**
 * Refuses NaN and ±Infinity in rows to score. NaN has no distance to anything
 * (every comparison with it is false, so its score would be NaN or depend on
 * the search order) and Infinity would score Infinity, which JSON turns into
 * null. Imputing here would mean guessing a column's scale, which a detector
 * does not know; the feature encoder already imputes a missing value with the
 * training median, so a non-finite value reaching a detector is a caller's
 * bug, refused the way fit() refuses it in training data.
 */
function assertFiniteQueries(X: Matrix): void {
  for (let i = 0; i < X.data.length; i++) {
    if (Number.isFinite(X.data[i])) continue;
    const row = Math.floor(i / X.cols);
    const column = i % X.cols;
    throw new AppError(ErrorCode.BAD_USER_INPUT, `${KNN_DISTANCE}: non-finite value at row ${row}, column ${column}`, {
      detector: KNN_DISTANCE,
      row,
      column,
    });
  }
}

function meanDistance(costs: Float64Array, index: KdTree): number {
  let sum = 0;
  for (const c of costs) sum += index.distance(c);
  return sum / costs.length;
}

/** A copy of min(n, rows) distinct rows chosen uniformly with the seed (all rows, in order, when they fit). */
function sampleRows(X: Matrix, n: number, seed: number): Matrix {
  if (X.rows <= n) return { rows: X.rows, cols: X.cols, data: X.data.slice() };
  const picked = new Int32Array(n);
  subsampler(X.rows, createRng(seed))(picked);
  const data = new Float64Array(n * X.cols);
  picked.forEach((row, i) => data.set(matrixRow(X, row), i * X.cols));
  return { rows: n, cols: X.cols, data };
}
