import { z } from 'zod';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';

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
  /** Namespaces BullMQ's Redis keys (tests and several deployments can share one Redis). */
  QUEUE_PREFIX: z.string().trim().min(1).default('netsentinel'),
  /** Prepended to every Redis pub/sub channel, so deployments (or parallel test files) sharing a Redis stay apart. */
  EVENTS_PREFIX: z.string().trim().default('netsentinel:'),
  /** Events one subscription may hold while its client is slow; older ones are dropped and counted. */
  EVENTS_BUFFER: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Where the built dashboard and playground live; `npm run build` writes them to dist/public. */
  ASSETS_DIR: z.string().trim().min(1).optional(),
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
  };
  events: { prefix: string; buffer: number };
  assetsDir?: string;
}

/** Reads and validates the environment once; a bad value stops start-up with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new AppError(ErrorCode.CONFIG_INVALID, `Invalid configuration: ${problems.join('; ')}`, { problems });
  }
  const e = parsed.data;
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
    },
    events: { prefix: e.EVENTS_PREFIX, buffer: e.EVENTS_BUFFER },
    assetsDir: e.ASSETS_DIR,
  };
}
