import type { RequestHandler } from 'express';
import type { AuthContext } from '../auth/auth-context';
import type { AuthService } from '../auth/auth.service';
import { AppError, isAppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { AuthFailureLimiter } from '../limits/auth-failures';
import { retryAfterSeconds } from '../limits/limit-error';

/**
 * Every API route needs a key: the caller's AuthContext goes to `res.locals.auth`
 * (rate limits and GraphQL read it there). A missing or wrong key is 401 with
 * UNAUTHENTICATED and a `WWW-Authenticate` challenge, as RFC 6750 asks; an
 * address that sent too many wrong keys is 429 until they age out.
 */
export function requireApiKey(auth: AuthService, failures: AuthFailureLimiter): RequestHandler {
  return (req, res, next) => {
    const address = req.socket.remoteAddress;
    const refused = failures.refusal(address);
    if (refused) {
      res.setHeader('retry-after', String(retryAfterSeconds(refused.details.retryAfterMs as number)));
      return next(refused);
    }
    auth.authenticate(req.headers.authorization).then(
      (caller) => {
        res.locals.auth = caller;
        next();
      },
      (err: unknown) => {
        if (isAppError(err) && err.code === ErrorCode.UNAUTHENTICATED) {
          res.setHeader('www-authenticate', 'Bearer realm="netsentinel"');
          // A request without any key is a client not yet configured, not a guess.
          if (req.headers.authorization !== undefined) failures.failed(address);
        }
        next(err);
      },
    );
  };
}

/** After requireApiKey: server-wide data (metrics name every site's profiles) is for the root key only. */
export function requireRootKey(): RequestHandler {
  return (_req, res, next) => {
    next(callerOf(res.locals).root ? undefined : new AppError(ErrorCode.FORBIDDEN, 'Only the root (bootstrap) key may read server-wide data'));
  };
}

export function callerOf(locals: Record<string, unknown>): AuthContext {
  return locals.auth as AuthContext;
}

/** graphql-ws clients send the key in `connectionParams`: `{ authorization: "Bearer KEY" }` or `{ apiKey: "KEY" }`. */
export function connectionAuthorization(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!params) return undefined;
  if (typeof params.authorization === 'string') return params.authorization;
  if (typeof params.Authorization === 'string') return params.Authorization;
  if (typeof params.apiKey === 'string') return `Bearer ${params.apiKey}`;
  return undefined;
}
