import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/availability';
import { isAppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';

/**
 * Every error leaves with a stable `code` in extensions. Our AppErrors keep
 * their message and details; unexpected ones are logged and masked.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = rootCause(error);
    if (isAppError(original)) {
      return { ...formatted, message: original.message, extensions: { ...original.details, code: original.code } };
    }
    // Any operation that needed the database while it is down: coded, so clients know to retry.
    if (isDatabaseUnavailable(original)) {
      const { path, locations } = formatted;
      return { message: 'The database is unavailable; try again shortly', path, locations, extensions: { code: ErrorCode.DATABASE_UNAVAILABLE } };
    }
    const code = formatted.extensions?.code;
    if (code && code !== ErrorCode.INTERNAL) return formatted;
    logger.error({ err: original, path: formatted.path }, 'unexpected error in GraphQL operation');
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.INTERNAL } };
  };
}

/**
 * The error a resolver threw. Apollo wraps it once; graphql-jit wraps it in its
 * own GraphQLError class first, so follow `originalError` down the chain.
 */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const next = (current as { originalError?: unknown } | null)?.originalError;
    if (next === undefined || next === null) return current;
    current = next;
  }
  return current;
}
