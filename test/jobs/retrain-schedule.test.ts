import { Queue } from 'bullmq';
import { TRAINING_QUEUE } from '../../src/jobs/bullmq.backend';
import { loadConfig } from '../../src/config/config';
import { ProfileService } from '../../src/profiles/profile.service';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { redisTestEnv } from './redis-env';
import { models, seedProfile, type JobView } from './training-jobs.suite';

const redis = redisTestEnv('retrain-schedule');
afterAll(() => redis?.cleanup());

const UPSERT = 'mutation($i: ProfileInput!) { upsertProfile(input: $i) { name retrainEvery } }';
const JOBS = 'query($p: String!) { trainingJobs(profile: $p, first: 100) { nodes { id state createdAt } } }';
/** Seconds between retrains here; TRAINING_MIN_RETRAIN_SECONDS=1 lets a test use so short an interval. */
const EVERY = 2;

type ListedJob = Pick<JobView, 'id' | 'state'> & { createdAt: string };

async function jobs(server: TestServer, profile: string): Promise<ListedJob[]> {
  const r = await server.graphql<{ trainingJobs: { nodes: ListedJob[] } }>(JOBS, { p: profile });
  expect(r.errors).toBeUndefined();
  return r.data!.trainingJobs.nodes;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const backends: [string, () => Record<string, string> | undefined][] = [
  ['in-process', () => ({})],
  ['bullmq', () => redis?.env],
];

describe.each(backends)('retrainEvery (%s)', (name, env) => {
  const describeOrSkip = env() === undefined ? describe.skip : describe;
  describeOrSkip('a profile with retrainEvery', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(`retrain_${name}`, { TRAINING_MIN_RETRAIN_SECONDS: '1', ...env() });
      await seedProfile(server, 'auto', 2000);
    }, 120_000);
    afterAll(() => server?.close());

    /** The profile's scheduler in BullMQ, or undefined (the in-process backend keeps its timers in memory). */
    async function scheduler(): Promise<{ key: string; every?: number | null }[] | undefined> {
      if (name !== 'bullmq') return undefined;
      const queue = new Queue(TRAINING_QUEUE, { connection: { url: redis!.url }, prefix: redis!.prefix });
      try {
        return (await queue.getJobSchedulers()).filter((s) => s.key === 'retrain:default/auto');
      } finally {
        await queue.close();
      }
    }

    it('is retrained on its own, again and again, and clearing retrainEvery stops it', async () => {
      const setAt = Date.now();
      const set = await server.graphql(UPSERT, { i: { name: 'auto', retrainEvery: EVERY } });
      expect(set.errors).toBeUndefined();
      // Meanwhile the profile keeps being edited, more often than the interval: an edit must not postpone the next retrain.
      let contamination = 0.01;
      const edits = setInterval(() => {
        contamination = contamination === 0.01 ? 0.02 : 0.01;
        void server.graphql(UPSERT, { i: { name: 'auto', contamination, retrainEvery: EVERY } });
      }, (EVERY * 1000) / 4);
      // No trainModel call: the schedule alone makes jobs, each of which completes and activates a new version.
      const done = await until('two scheduled jobs completed', () => jobs(server, 'auto'), (js) => js.filter((j) => j.state === 'COMPLETED').length >= 2).finally(() =>
        clearInterval(edits),
      );
      expect(done.every((j) => ['QUEUED', 'ACTIVE', 'COMPLETED'].includes(j.state))).toBe(true);
      // The first one an interval after retrainEvery was set, not at once (newest first in the list).
      expect(Date.parse(done[done.length - 1].createdAt) - setAt).toBeGreaterThanOrEqual(EVERY * 1000 - 250);
      const versions = (await models(server, 'auto')).map((m) => m.version);
      expect(Math.max(...versions)).toBeGreaterThanOrEqual(2);
      expect((await models(server, 'auto')).filter((m) => m.active)).toHaveLength(1);
      const scheduled = await scheduler();
      if (scheduled) expect(scheduled).toEqual([expect.objectContaining({ every: EVERY * 1000 })]);

      const cleared = await server.graphql<{ upsertProfile: { retrainEvery: number | null } }>(UPSERT, { i: { name: 'auto', retrainEvery: null } });
      expect(cleared.data?.upsertProfile.retrainEvery).toBeNull();
      if (scheduled) await until('the scheduler removed', async () => (await scheduler())!.length, (n) => n === 0, 10_000);
      // A job the schedule made just before may still be running: let it finish, then nothing new may come.
      const settled = await until('scheduled jobs finished', () => jobs(server, 'auto'), (js) => js.every((j) => j.state === 'COMPLETED'));
      await new Promise((r) => setTimeout(r, 3 * EVERY * 1000));
      expect(await jobs(server, 'auto')).toHaveLength(settled.length);
    }, 120_000);

    it('still refuses an interval below the minimum: the configured one here, 60 s by default', async () => {
      const r = await server.graphql(UPSERT, { i: { name: 'auto', retrainEvery: 0 } });
      expect(r.errors?.[0]).toMatchObject({ message: expect.stringMatching(/retrainEvery .*at least 1\b/), extensions: { code: 'BAD_USER_INPUT' } });
      const byDefault = new ProfileService(server.services.db.prisma, server.services.registry);
      await expect(byDefault.upsert('default', { name: 'auto', retrainEvery: 59 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/at least 60/) });
      expect(loadConfig({}).training.minRetrainSeconds).toBe(60);
      expect(() => loadConfig({ TRAINING_MIN_RETRAIN_SECONDS: '0' })).toThrow(/TRAINING_MIN_RETRAIN_SECONDS/);
    });
  });
});
