import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { RateLimiter } from './rate-limiter';

/**
 * Failed authentications per client address. Every wrong key costs a database
 * lookup, and the per-key rate limit cannot apply before a key is known, so an
 * address that keeps guessing is refused outright (429) until its failures
 * age out — before its key is even looked up. Per server process, like the
 * request rate limit.
 */
export class AuthFailureLimiter {
  private readonly failures: RateLimiter;

  /** `perMinute` failures at once, then one more per 60/perMinute seconds; 0 turns the limit off. */
  constructor(readonly perMinute: number, now?: () => number) {
    this.failures = new RateLimiter(perMinute / 60, Math.max(1, perMinute), now);
  }

  /** RATE_LIMITED (with retryAfterMs) while `address` has used up its failures, else undefined. */
  refusal(address: string | undefined): AppError | undefined {
    const waitMs = this.failures.peek(keyOf(address));
    if (waitMs === 0) return undefined;
    return new AppError(ErrorCode.RATE_LIMITED, `Too many failed authentications from this address: at most ${this.perMinute} per minute`, {
      retryAfterMs: waitMs,
    });
  }

  failed(address: string | undefined): void {
    this.failures.take(keyOf(address));
  }
}

function keyOf(address: string | undefined): string {
  return address ?? 'unknown';
}
