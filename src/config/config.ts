import { z } from 'zod';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional())
  .optional();

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATABASE_URL: optionalUrl,
  REDIS_URL: optionalUrl,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Where the embedded PostgreSQL keeps its files when DATABASE_URL is unset. */
  DATA_DIR: z.string().trim().min(1).default('./data'),
  MAX_BATCH_RECORDS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(16 * 1024 * 1024),
  /** Training workers run inside the server process unless 0. */
  WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  /** Tries per training job before it is FAILED (retries back off exponentially). */
  TRAINING_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  TRAINING_BACKOFF_MS: z.coerce.number().int().min(0).default(5_000),
  /** A job whose worker stops renewing its lock this long is stalled and run again by another worker. */
  TRAINING_STALL_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** Heap limit of the fitting thread: a runaway fit fails its job instead of the process. */
  TRAINING_MEMORY_MB: z.coerce.number().int().min(64).default(2_048),
  /** Shortest `retrainEvery` (seconds) a profile may set: retraining more often mostly repeats work. */
  TRAINING_MIN_RETRAIN_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Namespaces BullMQ's Redis keys (tests and several deployments can share one Redis). */
  QUEUE_PREFIX: z.string().trim().min(1).default('netsentinel'),
  /** Prepended to every Redis pub/sub channel, so deployments (or parallel test files) sharing a Redis stay apart. */
  EVENTS_PREFIX: z.string().trim().default('netsentinel:'),
  /** Events one subscription may hold while its client is slow; older ones are dropped and counted. */
  EVENTS_BUFFER: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Where the built dashboard and playground live; `npm run build` writes them to dist/public. */
  ASSETS_DIR: z.string().trim().min(1).optional(),
  /** Anomalies held in memory while PostgreSQL is down (written when it is back); beyond this they are dropped and counted. */
  ANOMALY_BUFFER_MAX: z.coerce.number().int().min(0).max(10_000_000).default(50_000),
  /** Longest wait between two tries to write held anomalies (backoff from 100 ms, doubling). */
  ANOMALY_RETRY_MAX_MS: z.coerce.number().int().min(100).default(10_000),
  /** A database write unanswered this long counts as failed: the anomalies are held and written again later. */
  DB_WRITE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** On SIGTERM: longest wait for in-flight requests, and again for writing held anomalies. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** `off` lets every caller act as the default site's admin: only allowed when HOST is a loopback address. */
  AUTH: z.enum(['on', 'off']).default('on'),
  /** The bootstrap (root) key; without it one is generated and printed once on first start. */
  ADMIN_API_KEY: z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.string().min(20, 'must be at least 20 characters').optional())
    .optional(),
  /** Deepest selection nesting an operation may have (introspection fields do not count). */
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).max(100).default(10),
  /** Estimated cost an operation may have: 1 per field, list fields times their `first`/size argument (see src/limits/query-limits.ts). */
  MAX_QUERY_COMPLEXITY: z.coerce.number().int().min(1).default(100_000),
  /** Operations (mostly subscriptions) one WebSocket connection may have running at once. */
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Requests per second per API key (per client address without one); 0 turns rate limiting off. */
  RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(1_000),
  /** Requests a key may send at once before the per-second rate applies; default twice the rate. */
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).optional(),
  /** Wrong API keys one client address may send per minute before it is refused (429) outright; 0 turns this off. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(0).default(30),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  redisUrl?: string;
  logLevel: (typeof LOG_LEVELS)[number];
  dataDir: string;
  maxBatchRecords: number;
  maxBodyBytes: number;
  workers: number;
  training: {
    attempts: number;
    backoffMs: number;
    stallMs: number;
    memoryMb: number;
    queuePrefix: string;
    minRetrainSeconds: number;
  };
  events: { prefix: string; buffer: number };
  assetsDir?: string;
  /** Anomalies kept in memory while the database is down (src/anomalies/anomaly.writer.ts). */
  anomalyBuffer: { max: number; retryMaxMs: number; writeTimeoutMs: number };
  shutdownTimeoutMs: number;
  auth: { enabled: boolean; adminApiKey?: string };
  /** Request limits besides maxBatchRecords and maxBodyBytes (src/limits). */
  limits: {
    maxQueryDepth: number;
    maxQueryComplexity: number;
    maxSubscriptionsPerConnection: number;
    /** 0 = off. */
    ratePerSecond: number;
    burst: number;
    /** Wrong API keys per client address per minute; 0 = off. */
    authFailuresPerMinute: number;
  };
}

/** Reads and validates the environment once; a bad value stops start-up with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new AppError(ErrorCode.CONFIG_INVALID, `Invalid configuration: ${problems.join('; ')}`, { problems });
  }
  const e = parsed.data;
  if (e.AUTH === 'off' && !LOOPBACK_HOSTS.has(e.HOST)) {
    throw new AppError(ErrorCode.CONFIG_INVALID, `Invalid configuration: AUTH=off is only allowed with HOST on loopback (127.0.0.1, ::1 or localhost), not ${e.HOST}`, {
      problems: ['AUTH: off needs a loopback HOST'],
    });
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    maxBatchRecords: e.MAX_BATCH_RECORDS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    workers: e.WORKERS,
    training: {
      attempts: e.TRAINING_ATTEMPTS,
      backoffMs: e.TRAINING_BACKOFF_MS,
      stallMs: e.TRAINING_STALL_MS,
      memoryMb: e.TRAINING_MEMORY_MB,
      queuePrefix: e.QUEUE_PREFIX,
      minRetrainSeconds: e.TRAINING_MIN_RETRAIN_SECONDS,
    },
    events: { prefix: e.EVENTS_PREFIX, buffer: e.EVENTS_BUFFER },
    assetsDir: e.ASSETS_DIR,
    anomalyBuffer: { max: e.ANOMALY_BUFFER_MAX, retryMaxMs: e.ANOMALY_RETRY_MAX_MS, writeTimeoutMs: e.DB_WRITE_TIMEOUT_MS },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    auth: { enabled: e.AUTH === 'on', adminApiKey: e.ADMIN_API_KEY },
    limits: {
      maxQueryDepth: e.MAX_QUERY_DEPTH,
      maxQueryComplexity: e.MAX_QUERY_COMPLEXITY,
      maxSubscriptionsPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      ratePerSecond: e.RATE_LIMIT_PER_SECOND,
      burst: e.RATE_LIMIT_BURST ?? Math.max(1, Math.ceil(2 * e.RATE_LIMIT_PER_SECOND)),
      authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    },
  };
}
