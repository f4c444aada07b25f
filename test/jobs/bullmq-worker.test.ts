import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/server';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { redisTestEnv } from './redis-env';
import { PROBE, seedProfile, train, waitForJob } from './training-jobs.suite';

const redis = redisTestEnv('bullmq-worker');
const describeRedis = redis ? describe : describe.skip;
const ROOT = path.resolve(__dirname, '../..');
const STALL_MS = '2000';

/** `netsentinel worker` as its own process, from the TypeScript sources (tsx stands in for the build). */
function startWorkerProcess(databaseUrl: string): ChildProcess {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), 'src/cli/main.ts', 'worker'], {
    cwd: ROOT,
    env: { ...process.env, ...redis!.env, DATABASE_URL: databaseUrl, TRAINING_STALL_MS: STALL_MS, LOG_LEVEL: 'warn', WORKERS: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

function exited(child: ChildProcess): Promise<unknown> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
}

describeRedis('BullMQ workers in their own processes', () => {
  let server: TestServer;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    // No worker in the API process: every job here runs in a `netsentinel worker` process.
    server = await startTestServer('bullmq_worker', { ...redis!.env, WORKERS: '0', TRAINING_STALL_MS: STALL_MS });
    await seedProfile(server, 'big', 60_000, 3);
  }, 120_000);
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await server?.close();
    await redis?.cleanup();
  }, 30_000);

  it('resumes a job whose worker process was killed mid-fit, on another worker, and completes it', async () => {
    const first = startWorkerProcess(server.database.url);
    children.push(first);
    const queued = await train(server, { profile: 'big', seed: 1, detectors: [{ name: 'knn-distance' }] });
    const running = await waitForJob(server, queued.id, (j) => j.state === 'ACTIVE' && j.progress > 0, 90_000);
    expect(running.attempts).toBe(1);
    first.kill('SIGKILL');
    await exited(first);
    // Killed mid-fit: nothing was committed, the job is still ACTIVE and no model exists.
    const stalled = await waitForJob(server, queued.id, () => true);
    expect(stalled).toMatchObject({ state: 'ACTIVE', models: [] });

    children.push(startWorkerProcess(server.database.url));
    const done = await waitForJob(server, queued.id, (j) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(j.state), 90_000);
    expect(done).toMatchObject({ state: 'COMPLETED', attempts: 2 });
    expect(done.models).toEqual([expect.objectContaining({ detector: 'knn-distance', version: 1, active: true })]);
  }, 180_000);

  it('answers trainModel with QUEUE_UNAVAILABLE while Redis is down, and keeps detecting', async () => {
    // The workers above trained `default` (queued at start-up, before the job above); this server shares their database.
    const down: RunningServer = await startServer(
      loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: server.database.url, REDIS_URL: 'redis://127.0.0.1:1', WORKERS: '0', ADMIN_API_KEY: server.adminKey }),
      createLogger('silent'),
    );
    try {
      const gql = async (query: string, variables: Record<string, unknown>) =>
        (
          await fetch(`${down.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...server.authHeaders() },
            body: JSON.stringify({ query, variables }),
          })
        ).json() as Promise<{
          data?: Record<string, unknown>;
          errors?: { extensions: { code: string } }[];
        }>;
      const t0 = Date.now();
      const refused = await gql('mutation($i: TrainModelInput!) { trainModel(input: $i) { id } }', { i: { profile: 'default' } });
      expect(refused.errors![0].extensions.code).toBe('QUEUE_UNAVAILABLE');
      expect(Date.now() - t0).toBeLessThan(10_000);
      const predicted = await gql('mutation($r: [TrafficRecordInput!]!) { predict(profile: "default", records: $r) { score } }', { r: PROBE });
      expect(predicted.errors).toBeUndefined();
      expect(predicted.data!.predict).toHaveLength(2);
    } finally {
      await down.stop();
    }
  }, 60_000);
});
