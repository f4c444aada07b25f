import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { Matrix } from './matrix';

/**
 * Refuses training data that would silently yield a useless model:
 * an empty matrix, a data buffer that disagrees with rows×cols, or a
 * NaN/Infinity that would poison every split or distance.
 */
export function assertTrainingData(detector: string, X: Matrix, minRows: number): void {
  const fail = (reason: string): never => {
    throw invalidTrainingData(detector, reason, { rows: X.rows, cols: X.cols });
  };
  if (X.cols < 1) fail('training data has no columns');
  if (X.rows < minRows) fail(`needs at least ${minRows} training rows, got ${X.rows}`);
  if (X.data.length !== X.rows * X.cols) fail('data length is not rows × cols');
  const bad = X.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(`non-finite value at row ${Math.floor(bad / X.cols)}, column ${bad % X.cols}`);
}

/** A model only understands the column layout it was trained on. */
export function assertColumns(detector: string, X: Matrix, expectedCols: number): void {
  if (X.cols === expectedCols && X.data.length === X.rows * X.cols) return;
  throw new AppError(
    ErrorCode.DIMENSION_MISMATCH,
    `${detector}: expected ${expectedCols} columns, got ${X.cols}`,
    { detector, expected: expectedCols, actual: X.cols },
  );
}

export function notFitted(detector: string): AppError {
  return new AppError(ErrorCode.DETECTOR_NOT_FITTED, `${detector}: call fit() first`, { detector });
}

export function invalidTrainingData(detector: string, reason: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(ErrorCode.INVALID_TRAINING_DATA, `${detector}: ${reason}`, { detector, ...details });
}
