import { AppError } from '../../src/errors/app-error';
import type { ErrorCode } from '../../src/errors/error-codes';

/** Runs fn and asserts it throws an AppError with this code (not a TypeError or a plain Error). */
export function expectAppError(fn: () => unknown, code: ErrorCode): AppError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(AppError);
  expect((thrown as AppError).code).toBe(code);
  return thrown as AppError;
}
