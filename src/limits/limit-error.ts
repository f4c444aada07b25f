import { GraphQLError, type ASTNode } from 'graphql';
import { AppError } from '../errors/app-error';
import type { ErrorCode } from '../errors/error-codes';
import { httpStatusFor } from '../http/error-status';

/**
 * A refused request as a GraphQL error. The AppError inside gives the error
 * formatter its code and details; `extensions.http` gives Apollo the HTTP status
 * (and Retry-After), which it strips before the error is sent.
 */
export function limitError(
  code: ErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  { retryAfterMs, nodes }: { retryAfterMs?: number; nodes?: readonly ASTNode[] } = {},
): GraphQLError {
  const headers = retryAfterMs === undefined ? undefined : new Map([['retry-after', String(retryAfterSeconds(retryAfterMs))]]);
  return new GraphQLError(message, {
    nodes,
    originalError: new AppError(code, message, details),
    extensions: { code, ...details, http: { status: httpStatusFor(code), ...(headers ? { headers } : {}) } },
  });
}

/** Retry-After is in whole seconds; never 0, which would invite an immediate retry. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
