import { AppError, isAppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';

/** Socket errors: the server is not there (refused, reset, unreachable), not that the statement was wrong. */
const SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server shutting down, starting up or out of connections
 * (class 08 is every connection exception).
 */
const SQLSTATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '53300']);

/** Prisma's codes for an unreachable server, a timed-out connection or pool, a closed connection. */
const PRISMA_CODES: ReadonlySet<string> = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** @prisma/adapter-pg's error kinds for the same. */
const ADAPTER_KINDS: ReadonlySet<string> = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** pg reports a dropped connection with a bare Error and one of these messages. */
const MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /connection error and is not queryable/i, /can't reach database server/i];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
}

/**
 * True when an error means "the database cannot be reached right now" — worth
 * retrying later — as opposed to a statement the database refused. Follows
 * causes through Prisma's, the driver adapter's and GraphQL's wrappers.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 5) return false;
  if (isAppError(err)) return err.code === ErrorCode.DATABASE_UNAVAILABLE;
  const e = err as ErrorLike;
  if (typeof e.code === 'string') {
    if (SOCKET_CODES.has(e.code) || SQLSTATES.has(e.code) || e.code.startsWith('08') || PRISMA_CODES.has(e.code)) return true;
  }
  const adapter = e.meta?.driverAdapterError?.cause;
  if (typeof adapter?.kind === 'string' && ADAPTER_KINDS.has(adapter.kind)) return true;
  if (typeof adapter?.originalCode === 'string' && (SQLSTATES.has(adapter.originalCode) || adapter.originalCode.startsWith('08'))) return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.originalError, depth + 1);
}

/** The coded error a client gets for an operation that needed the database while it is down. */
function databaseUnavailable(detail?: string): AppError {
  return new AppError(ErrorCode.DATABASE_UNAVAILABLE, `The database is unavailable${detail ? ` (${detail})` : ''}; try again shortly`);
}

/**
 * Rejects with DATABASE_UNAVAILABLE when `operation` has not settled within
 * `ms`: a database that stops answering (a network partition) would otherwise
 * hold the caller forever, since pg has no default connect or query timeout.
 * The operation itself goes on; callers must be able to repeat it safely.
 */
export async function withDeadline<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(databaseUnavailable(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([operation, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
