import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import type { AuthContext } from '../auth/auth-context';
import type { Config } from '../config/config';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { AuthFailureLimiter } from './auth-failures';
import { limitError, retryAfterSeconds } from './limit-error';
import { QueryLimits } from './query-limits';
import { RateLimiter, rateLimitKey } from './rate-limiter';

type MaybeAuth = Pick<AuthContext, 'keyId'> | null | undefined;

/**
 * The limits of one HTTP server, shared by its transports: REST, GraphQL over
 * HTTP and graphql-ws all draw on the same token bucket per caller.
 */
export class RequestLimits {
  readonly rate: RateLimiter;
  readonly query: QueryLimits;
  readonly maxSubscriptionsPerConnection: number;
  readonly authFailures: AuthFailureLimiter;

  constructor(config: Config, schema: GraphQLSchema) {
    this.rate = new RateLimiter(config.limits.ratePerSecond, config.limits.burst);
    this.authFailures = new AuthFailureLimiter(config.limits.authFailuresPerMinute);
    this.query = new QueryLimits(schema, config.limits.maxQueryDepth, config.limits.maxQueryComplexity);
    this.maxSubscriptionsPerConnection = config.limits.maxSubscriptionsPerConnection;
  }

  /** RATE_LIMITED (HTTP 429 with Retry-After) when the caller has used its share, else undefined. */
  admitGraphQL(auth: MaybeAuth, address: string | undefined): GraphQLError | undefined {
    const waitMs = this.rate.take(rateLimitKey(auth, address));
    if (waitMs === 0) return undefined;
    return limitError(ErrorCode.RATE_LIMITED, rateLimitedMessage(this.rate), { retryAfterMs: waitMs }, { retryAfterMs: waitMs });
  }

  /**
   * Context function wrapper for Apollo: the rate limit is taken once the caller
   * is known (its key) and before the operation is even parsed.
   */
  rateLimitedContext<C extends object>(address: string | undefined, context: C): C {
    const refused = this.admitGraphQL(authOf(context), address);
    if (refused) throw refused;
    return context;
  }

  /**
   * Apollo plugin for the complexity, which depends on the variables: checked
   * once the operation is resolved, before it executes. (The depth limit is a
   * validation rule: `query.validationRules`.)
   */
  apolloPlugin(): ApolloServerPlugin {
    const query = this.query;
    return {
      async requestDidStart() {
        return {
          async didResolveOperation({ document, operation, operationName, request }) {
            // No operation: execution refuses the request itself.
            if (!operation) return;
            const refused = query.checkComplexity(document, operationName ?? undefined, request.variables);
            if (refused) throw refused;
          },
        };
      },
    };
  }

  /**
   * REST: RATE_LIMITED (429, Retry-After). Keyed on the caller's API key when the
   * auth middleware before it left one in `res.locals.auth`, else on its address.
   */
  restRateLimit(callerOf: (res: Response) => MaybeAuth = (res) => res.locals.auth as MaybeAuth): RequestHandler {
    return (req, res, next) => {
      const waitMs = this.rate.take(rateLimitKey(callerOf(res), req.socket.remoteAddress));
      if (waitMs === 0) return next();
      res.setHeader('retry-after', String(retryAfterSeconds(waitMs)));
      next(new AppError(ErrorCode.RATE_LIMITED, rateLimitedMessage(this.rate), { retryAfterMs: waitMs }));
    };
  }
}

/** The caller's key, when the context carries one (`GraphQLContext.auth`). */
export function authOf(context: object): MaybeAuth {
  return (context as { auth?: MaybeAuth }).auth;
}

function rateLimitedMessage(rate: RateLimiter): string {
  return `Too many requests: at most ${rate.ratePerSecond} per second (bursts of ${rate.burst}) per API key`;
}
