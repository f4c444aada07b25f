import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { isAppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';

/**
 * Every error leaves with a stable `code` in extensions. Our AppErrors keep
 * their message and details; unexpected ones are logged and masked.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (isAppError(original)) {
      return { ...formatted, message: original.message, extensions: { ...original.details, code: original.code } };
    }
    const code = formatted.extensions?.code;
    if (code && code !== ErrorCode.INTERNAL) return formatted;
    logger.error({ err: original, path: formatted.path }, 'unexpected error in GraphQL operation');
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.INTERNAL } };
  };
}
