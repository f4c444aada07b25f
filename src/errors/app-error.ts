import { ErrorCode } from './error-codes';

/**
 * The one error type the application throws on purpose. The GraphQL layer
 * copies `code` and `details` into `extensions`; REST maps `code` to a status.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
