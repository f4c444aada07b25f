import type { TrafficRecord } from '../../src/records/traffic-record';
import { generateHomeNetworkTraffic } from '../../src/sample/home-network.generator';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { subscribe } from './graphql-ws-client';
import { ref } from '../helpers/profile-ref';

export interface JobView {
  id: string;
  state: string;
  progress: number;
  message: string | null;
  error: string | null;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  models: { id: string; detector: string; version: number; active: boolean }[];
}

const JOB_FIELDS = 'id state progress message error attempts createdAt startedAt finishedAt models { id detector version active }';
const TRAIN = `mutation($input: TrainModelInput!) { trainModel(input: $input) { ${JOB_FIELDS} } }`;
const JOB = `query($id: ID!) { trainingJob(id: $id) { ${JOB_FIELDS} } }`;
const MODELS = 'query($p: String!) { models(profile: $p) { id detector version active } }';
const PREDICT = `mutation($p: String!, $r: [TrafficRecordInput!]!) { predict(profile: $p, records: $r) { score modelVersion } }`;
const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

export const PROBE = [
  { srcIp: '203.0.113.66', destIp: '192.168.1.20', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 },
  { srcIp: '192.168.1.20', destIp: '192.168.1.1', srcPort: 50000, destPort: 53, protocol: 'UDP', packetSize: 80 },
];

/** Stores generated packets as a profile's traffic, the way a profile with storeTraffic keeps them. */
export async function seedProfile(server: TestServer, name: string, count: number, seed = 1): Promise<TrafficRecord[]> {
  const r = await server.graphql('mutation($i: ProfileInput!) { upsertProfile(input: $i) { name } }', {
    i: { name, kind: 'PACKET', storeTraffic: true, detectors: [{ name: 'isolation-forest', params: { nEstimators: 50 } }] },
  });
  expect(r.errors).toBeUndefined();
  const records = generateHomeNetworkTraffic({ seed, count, kind: 'packet' });
  const profile = await server.services.profiles.get(ref(name));
  for (let i = 0; i < records.length; i += 5000) await server.services.traffic.insertMany(profile.id, records.slice(i, i + 5000));
  return records;
}

export async function train(server: TestServer, input: Record<string, unknown>): Promise<JobView> {
  const r = await server.graphql<{ trainModel: JobView }>(TRAIN, { input });
  expect(r.errors).toBeUndefined();
  return r.data!.trainModel;
}

export async function job(server: TestServer, id: string): Promise<JobView> {
  const r = await server.graphql<{ trainingJob: JobView }>(JOB, { id });
  expect(r.errors).toBeUndefined();
  return r.data!.trainingJob;
}

export async function waitForJob(server: TestServer, id: string, until: (j: JobView) => boolean = (j) => TERMINAL.includes(j.state), timeoutMs = 60_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const j = await job(server, id);
    if (until(j)) return j;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${j.state} (${j.message}) after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function models(server: TestServer, profile: string) {
  const r = await server.graphql<{ models: { id: string; detector: string; version: number; active: boolean }[] }>(MODELS, { p: profile });
  expect(r.errors).toBeUndefined();
  return r.data!.models;
}

async function predict(server: TestServer, profile: string) {
  const r = await server.graphql<{ predict: { score: number; modelVersion: string }[] }>(PREDICT, { p: profile, r: PROBE });
  expect(r.errors).toBeUndefined();
  return r.data!.predict;
}

/**
 * The job contract, run against each queue backend: the embedded in-process
 * runner and BullMQ on a real Redis. `env` selects the backend.
 */
export function describeTrainingJobs(name: string, env: () => Record<string, string> | undefined): void {
  const describeOrSkip = env() === undefined ? describe.skip : describe;
  describeOrSkip(`training jobs (${name})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      // Two workers: the one-at-a-time rule per profile must hold even when a second one is free.
      server = await startTestServer(`jobs_${name}`, { WORKERS: '2', TRAINING_BACKOFF_MS: '1500', ...env() });
      await seedProfile(server, 'office', 4000);
      await seedProfile(server, 'big', 60_000, 2);
    }, 120_000);
    afterAll(() => server?.close());

    it('runs a job through QUEUED, ACTIVE and COMPLETED with live progress, and activates the new model', async () => {
      const queued = await train(server, { profile: 'office', seed: 1 });
      expect(queued).toMatchObject({ state: 'QUEUED', progress: 0, models: [] });
      const seen = await subscribe<{ trainingProgress: JobView }>(
        server.url,
        `subscription($id: ID!) { trainingProgress(jobId: $id) { ${JOB_FIELDS} } }`,
        { id: queued.id },
      );
      const states = seen.map((e) => e.trainingProgress.state);
      expect(states[states.length - 1]).toBe('COMPLETED');
      expect(states).toContain('ACTIVE');
      const progress = seen.filter((e) => e.trainingProgress.state === 'ACTIVE').map((e) => e.trainingProgress.progress);
      expect(progress.length).toBeGreaterThan(1);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
      const done = seen[seen.length - 1].trainingProgress;
      expect(done).toMatchObject({ progress: 1, attempts: 1, error: null, models: [{ detector: 'isolation-forest', version: 1, active: true }] });
      expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt!));
      const listed = await server.graphql<{ trainingJobs: { nodes: { id: string }[] } }>('{ trainingJobs(profile: "office", first: 5) { nodes { id } } }');
      expect(listed.data!.trainingJobs.nodes[0].id).toBe(queued.id);
    });

    it('keeps the previously active model when a job fails, without retrying a job that cannot succeed', async () => {
      const before = (await models(server, 'office')).filter((m) => m.active);
      const queued = await train(server, { profile: 'office', source: { since: '2100-01-01T00:00:00Z' } });
      const failed = await waitForJob(server, queued.id);
      expect(failed).toMatchObject({ state: 'FAILED', attempts: 1, models: [] });
      expect(failed.error).toMatch(/INVALID_TRAINING_DATA/);
      expect((await models(server, 'office')).filter((m) => m.active)).toEqual(before);
    });

    it('rolls back and forward with activateModel, and predictions follow', async () => {
      const v2 = await waitForJob(server, (await train(server, { profile: 'office', seed: 2, contamination: 0.2 })).id);
      expect(v2.models).toEqual([expect.objectContaining({ version: 2, active: true })]);
      const withV2 = await predict(server, 'office');
      expect(withV2[0].modelVersion).toBe('isolation-forest@2');
      const v1 = (await models(server, 'office')).find((m) => m.version === 1)!;
      const back = await server.graphql<{ activateModel: { version: number; active: boolean } }>('mutation($id: ID!) { activateModel(id: $id) { version active } }', { id: v1.id });
      expect(back.data!.activateModel).toEqual({ version: 1, active: true });
      const withV1 = await predict(server, 'office');
      expect(withV1[0].modelVersion).toBe('isolation-forest@1');
      expect(withV1.map((p) => p.score)).not.toEqual(withV2.map((p) => p.score));
      expect((await models(server, 'office')).filter((m) => m.active).map((m) => m.version)).toEqual([1]);
      await server.graphql('mutation($id: ID!) { activateModel(id: $id) { id } }', { id: v2.models[0].id });
      expect((await predict(server, 'office'))[0].modelVersion).toBe('isolation-forest@2');
    });

    it('retries a failed attempt with backoff and then completes', async () => {
      const pool = server.services.db.pool;
      // A real, transient fault: the traffic table is away during the first attempt.
      await pool.query('ALTER TABLE "TrafficBlock" RENAME TO "TrafficBlock_away"');
      let queued: JobView;
      try {
        queued = await train(server, { profile: 'office', seed: 3 });
        const retrying = await waitForJob(server, queued.id, (j) => j.state === 'QUEUED' && j.attempts === 1);
        expect(retrying.error).toMatch(/TrafficBlock/);
        expect(retrying.message).toMatch(/attempt 1 of 3 failed; retrying/);
      } finally {
        await pool.query('ALTER TABLE "TrafficBlock_away" RENAME TO "TrafficBlock"');
      }
      const done = await waitForJob(server, queued.id);
      expect(done).toMatchObject({ state: 'COMPLETED', attempts: 2 });
      expect(done.models[0]).toMatchObject({ version: 3, active: true });
    });

    it('runs a second job of the same profile after the first, never alongside it', async () => {
      const a = await train(server, { profile: 'big', seed: 1 });
      const b = await train(server, { profile: 'big', seed: 2 });
      const [doneA, doneB] = await Promise.all([waitForJob(server, a.id), waitForJob(server, b.id)]);
      expect([doneA.state, doneB.state]).toEqual(['COMPLETED', 'COMPLETED']);
      const [first, second] = Date.parse(doneA.startedAt!) <= Date.parse(doneB.startedAt!) ? [doneA, doneB] : [doneB, doneA];
      expect(Date.parse(second.startedAt!)).toBeGreaterThanOrEqual(Date.parse(first.finishedAt!));
    }, 120_000);

    it('cancels a running job: it stops and the active model stays', async () => {
      const before = (await models(server, 'big')).filter((m) => m.active).map((m) => m.id);
      const queued = await train(server, { profile: 'big', seed: 5, detectors: [{ name: 'knn-distance' }] });
      await waitForJob(server, queued.id, (j) => j.state === 'ACTIVE' && j.progress > 0);
      const r = await server.graphql<{ cancelTrainingJob: JobView }>(`mutation($id: ID!) { cancelTrainingJob(id: $id) { ${JOB_FIELDS} } }`, { id: queued.id });
      expect(r.data!.cancelTrainingJob.state).toBe('CANCELLED');
      await new Promise((res) => setTimeout(res, 1500));
      expect(await job(server, queued.id)).toMatchObject({ state: 'CANCELLED', models: [] });
      expect((await models(server, 'big')).filter((m) => m.active).map((m) => m.id)).toEqual(before);
      const again = await server.graphql(`mutation($id: ID!) { cancelTrainingJob(id: $id) { id } }`, { id: queued.id });
      expect(again.errors![0].extensions!.code).toBe('CONFLICT');
    }, 60_000);

    it('refuses bad requests with coded errors before queueing anything', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ profile: 'nope' }, 'PROFILE_NOT_FOUND'],
        [{ profile: 'office', detectors: [{ name: 'magic' }] }, 'UNKNOWN_DETECTOR'],
        [{ profile: 'office', contamination: 0.9 }, 'BAD_USER_INPUT'],
        [{ profile: 'office', contamination: 0.1, alertsPerDay: 5 }, 'BAD_USER_INPUT'],
        [{ profile: 'office', params: { 'knn-distance': { k: 3 } } }, 'BAD_USER_INPUT'],
      ];
      for (const [input, code] of cases) {
        const r = await server.graphql(TRAIN, { input });
        expect(r.errors![0].extensions!.code).toBe(code);
      }
      const missing = await server.graphql(JOB, { id: '00000000-0000-0000-0000-000000000000' });
      expect(missing.errors![0].extensions!.code).toBe('JOB_NOT_FOUND');
    });
  });
}
