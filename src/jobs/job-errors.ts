import { isAppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';

/** The job was cancelled by a user: never retried, never committed. */
export class JobCancelledError extends Error {
  constructor() {
    super('Training cancelled');
    this.name = 'JobCancelledError';
  }
}

/** The process is shutting down: the job stays unfinished so another worker (or the next start) runs it. */
export class WorkerShutdownError extends Error {
  constructor() {
    super('Worker shutting down');
    this.name = 'WorkerShutdownError';
  }
}

/** A failed attempt, with whether trying again could help. */
export class AttemptFailedError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
    this.name = 'AttemptFailedError';
  }
}

/** Bad data or a bad request fails the same way every time: retrying would only waste workers. */
const PERMANENT: ReadonlySet<string> = new Set([
  ErrorCode.INVALID_TRAINING_DATA,
  ErrorCode.UNKNOWN_DETECTOR,
  ErrorCode.INVALID_DETECTOR_PARAMS,
  ErrorCode.INVALID_FEATURE_SPEC,
  ErrorCode.PROFILE_NOT_FOUND,
  ErrorCode.BAD_USER_INPUT,
]);

export function isRetryable(err: unknown): boolean {
  return !(isAppError(err) && PERMANENT.has(err.code));
}

export function describeError(err: unknown): string {
  if (isAppError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
