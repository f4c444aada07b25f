import { z } from 'zod';
import { createRng } from '../../util/random';
import type { Detector, FitOptions, SerializedDetector } from '../detector.types';
import { assertColumns, assertTrainingData, notFitted } from '../input-checks';
import { matrixRow, type Matrix } from '../matrix';
import { subsampler } from '../sampling';
import { invalidState } from '../state';
import { ReferenceSet } from './nearest';

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
      .describe('Training rows kept as the reference sample; scoring time grows in proportion to it.'),
  })
  .refine((p) => p.maxSamples > p.k, {
    path: ['maxSamples'],
    message: 'must exceed k: a reference row never counts as its own neighbour',
  });

export type KnnDistanceParams = z.infer<typeof knnDistanceParams>;

export const knnStateSchema = z.object({
  cols: z.number().int().min(1),
  rows: z.number().int().min(2),
  /** The reference sample, row-major. */
  reference: z.array(z.number()),
});

export type KnnState = z.infer<typeof knnStateSchema>;

/** Euclidean distance to the nearest reference rows: far from every training row means anomalous. */
export class KnnDistanceDetector implements Detector {
  readonly name = KNN_DISTANCE;

  constructor(
    private readonly params: KnnDistanceParams,
    private reference?: ReferenceSet,
  ) {}

  /** Keeps a seeded uniform sample of maxSamples rows; needs k + 1 rows so k neighbours remain besides the row itself. */
  fit(X: Matrix, { seed }: FitOptions): void {
    assertTrainingData(this.name, X, this.params.k + 1);
    this.reference = new ReferenceSet(sampleRows(X, this.params.maxSamples, seed));
  }

  score(X: Matrix): Float64Array {
    const reference = this.fitted();
    assertColumns(this.name, X, reference.points.cols);
    const best = new Float64Array(this.params.k);
    const out = new Float64Array(X.rows);
    for (let q = 0; q < X.rows; q++) {
      reference.nearest(X, q, best);
      out[q] = this.params.aggregate === 'kth' ? Math.sqrt(best[best.length - 1]) : meanRoot(best);
    }
    return out;
  }

  serialize(): SerializedDetector {
    const { rows, cols, data } = this.fitted().points;
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
    const points = { rows, cols, data: Float64Array.from(reference) };
    return new KnnDistanceDetector(params, new ReferenceSet(points));
  }

  private fitted(): ReferenceSet {
    if (this.reference === undefined) throw notFitted(this.name);
    return this.reference;
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
