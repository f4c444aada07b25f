import type { Matrix } from '../../src/detectors/matrix';
import { createRng } from '../../src/util/random';

export interface LabelledMatrix {
  X: Matrix;
  /** 1 = outlier. */
  labels: (0 | 1)[];
}

export interface SyntheticOptions {
  seed: number;
  rows: number;
  cols: number;
  clusters?: number;
  outlierFraction?: number;
}

/**
 * Unit-variance Gaussian clusters with centres in [-5, 5]^cols, plus rows
 * scattered uniformly over [-10, 10]^cols as outliers, mixed in random order.
 */
export function clusteredWithOutliers(options: SyntheticOptions): LabelledMatrix {
  const { seed, rows, cols, clusters = 4, outlierFraction = 0.05 } = options;
  const rng = createRng(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: cols }, () => rng.next() * 10 - 5));
  const data = new Float64Array(rows * cols);
  const labels: (0 | 1)[] = [];
  for (let r = 0; r < rows; r++) {
    const outlier = rng.next() < outlierFraction;
    const centre = rng.pick(centres);
    for (let c = 0; c < cols; c++) {
      data[r * cols + c] = outlier ? rng.next() * 20 - 10 : centre[c] + rng.normal();
    }
    labels.push(outlier ? 1 : 0);
  }
  return { X: { rows, cols, data }, labels };
}

/** Standard normal rows. */
export function gaussian(seed: number, rows: number, cols: number): Matrix {
  const rng = createRng(seed);
  return { rows, cols, data: Float64Array.from({ length: rows * cols }, () => rng.normal()) };
}
