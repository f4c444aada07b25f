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
import { Neighbours } from './nearest';

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
  })
  .refine((p) => p.maxSamples > p.k, {
    path: ['maxSamples'],
    message: 'must exceed k: a reference row never counts as its own neighbour',
  });

export type KnnDistanceParams = z.infer<typeof knnDistanceParams>;

/** Only the sample: the search tree is rebuilt from it on load (deterministically, in milliseconds). */
export const knnStateSchema = z.object({
  cols: z.number().int().min(1),
  rows: z.number().int().min(2),
  /** The reference sample, row-major. */
  reference: z.array(z.number()),
});

export type KnnState = z.infer<typeof knnStateSchema>;

interface Fitted {
  /** Kept as sampled, for serialize(). */
  reference: Matrix;
  index: KdTree;
}

/** Euclidean distance to the nearest reference rows: far from every training row means anomalous. */
export class KnnDistanceDetector implements Detector {
  readonly name = KNN_DISTANCE;

  constructor(
    private readonly params: KnnDistanceParams,
    private model?: Fitted,
  ) {}

  /** Keeps a seeded uniform sample of maxSamples rows; needs k + 1 rows so k neighbours remain besides the row itself. */
  fit(X: Matrix, { seed }: FitOptions): void {
    assertTrainingData(this.name, X, this.params.k + 1);
    this.model = indexed(sampleRows(X, this.params.maxSamples, seed));
  }

  score(X: Matrix): Float64Array {
    const { index } = this.fitted();
    assertColumns(this.name, X, index.cols);
    assertFiniteQueries(X);
    const neighbours = new Neighbours(this.params.k);
    const out = new Float64Array(X.rows);
    for (let q = 0; q < X.rows; q++) {
      index.nearest(X, q, neighbours);
      const { best } = neighbours;
      out[q] = this.params.aggregate === 'kth' ? Math.sqrt(best[best.length - 1]) : meanRoot(best);
    }
    return out;
  }

  serialize(): SerializedDetector {
    const { rows, cols, data } = this.fitted().reference;
    return {
      detector: this.name,
      stateVersion: KNN_DISTANCE_STATE_VERSION,
      params: { ...this.params },
      state: { cols, rows, reference: Array.from(data) },
    };
  }

  static restore(params: KnnDistanceParams, state: KnnState): KnnDistanceDetector {
    const { rows, cols, reference } = state;
    if (reference.length !== rows * cols) throw invalidState(KNN_DISTANCE, 'reference is not rows × cols');
    if (rows <= params.k || rows > params.maxSamples) {
      throw invalidState(KNN_DISTANCE, 'reference size does not match the params');
    }
    return new KnnDistanceDetector(params, indexed({ rows, cols, data: Float64Array.from(reference) }));
  }

  private fitted(): Fitted {
    if (this.model === undefined) throw notFitted(this.name);
    return this.model;
  }
}

function indexed(reference: Matrix): Fitted {
  return { reference, index: KdTree.build(reference) };
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

function meanRoot(squared: Float64Array): number {
  let sum = 0;
  for (const s of squared) sum += Math.sqrt(s);
  return sum / squared.length;
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
