/**
 * Entry of the worker thread that fits a training job: the CPU-heavy part runs
 * here so the event loop of the API (and of BullMQ's lock renewal) stays free.
 * It reads the profile's records through its own connection and must never
 * import the GraphQL schema (decorator metadata is not available under tsx).
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { parseDatabaseUrl } from '../db/database';
import { createDefaultRegistry } from '../detectors/builtin';
import { isAppError } from '../errors/app-error';
import { generateHomeNetworkTraffic } from '../sample/home-network.generator';
import { TrafficRepository } from '../traffic/traffic.repository';
import { train, type RecordSource } from '../training/trainer';
import type { FitInput, FitMessage } from './fit-protocol';

const CHUNK_ROWS = 10_000;

interface OpenedSource {
  source: RecordSource;
  expectedRows: number;
  close(): Promise<void>;
}

async function openSource(input: FitInput): Promise<OpenedSource> {
  const s = input.request.source;
  if (s.type === 'sample') {
    const records = generateHomeNetworkTraffic({ seed: s.seed, count: s.count, kind: input.request.kind === 'flow' ? 'flow' : 'packet' });
    return {
      source: async function* () {
        for (let i = 0; i < records.length; i += CHUNK_ROWS) yield records.slice(i, i + CHUNK_ROWS);
      },
      expectedRows: records.length,
      close: async () => undefined,
    };
  }
  const { connectionString, schema } = parseDatabaseUrl(input.databaseUrl);
  const pool = new pg.Pool({ connectionString, max: 1, options: schema === 'public' ? undefined : `-c search_path="${schema}"` });
  const traffic = new TrafficRepository(pool);
  const query = {
    profileId: input.profileId,
    since: s.since ? new Date(s.since) : undefined,
    until: s.until ? new Date(s.until) : undefined,
    limit: s.limit,
  };
  return { source: () => traffic.columnChunks(query, CHUNK_ROWS), expectedRows: await traffic.count(query), close: () => pool.end() };
}

async function fit(input: FitInput): Promise<void> {
  const { request } = input;
  const opened = await openSource(input);
  try {
    const models = await train(opened.source, {
      kind: request.kind,
      detectors: request.detectors,
      contamination: request.contamination,
      alertsPerDay: request.alertsPerDay,
      seed: request.seed,
      registry: createDefaultRegistry(),
      expectedRows: opened.expectedRows,
      onProgress: (fraction, message) => post({ type: 'progress', fraction, message }),
    });
    post({ type: 'done', models });
  } finally {
    await opened.close();
  }
}

function post(message: FitMessage): void {
  parentPort!.postMessage(message);
}

fit(workerData as FitInput).catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  post({
    type: 'error',
    error: { message: e.message, stack: e.stack, ...(isAppError(e) ? { code: e.code, details: e.details } : {}) },
  });
});
