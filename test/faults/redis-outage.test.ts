import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { generateHomeNetworkTraffic } from '../../src/sample/home-network.generator';
import { startServer, type RunningServer } from '../../src/server';
import { faultBinaries } from './helpers/fault-binaries';
import { eventually, FAULT_ADMIN_KEY, gql, readyz, subscribeAnomalies, type LiveAnomalies } from './helpers/fault-client';
import { startPgCluster, type PgCluster } from './helpers/pg-cluster';
import { startRedisProcess, type RedisProcess } from './helpers/redis-process';

const bins = faultBinaries('the Redis outage tests');

const PREDICT = 'mutation($r: [TrafficRecordInput!]!) { predict(records: $r) { isAnomaly anomalyId } }';
const TRAIN = 'mutation($i: TrainModelInput!) { trainModel(input: $i) { id state } }';
const JOB = 'query($id: ID!) { trainingJob(id: $id) { id state error } }';
const ATTACK = { srcIp: '203.0.113.66', destIp: '192.168.1.20', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };
const TRAIN_INPUT = { profile: 'default', detectors: [{ name: 'isolation-forest', params: { nEstimators: 20 } }], seed: 7 };

type Prediction = { isAnomaly: boolean; anomalyId: string | null };

(bins ? describe : describe.skip)('Redis down: training answers QUEUE_UNAVAILABLE, detection and live events go on', () => {
  let cluster: PgCluster;
  let redis: RedisProcess;
  let server: RunningServer;
  let live: LiveAnomalies | undefined;

  beforeAll(async () => {
    cluster = await startPgCluster(bins!, 'redis-outage');
    redis = await startRedisProcess(bins!);
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_URL: cluster.url('faults'),
      REDIS_URL: redis.url,
      ADMIN_API_KEY: FAULT_ADMIN_KEY,
      WORKERS: '1',
      TRAINING_ATTEMPTS: '1',
      SHUTDOWN_TIMEOUT_MS: '3000',
    });
    server = await startServer(config, createLogger('silent'));
  }, 180_000);

  afterAll(async () => {
    await live?.stop();
    await server?.stop();
    await redis?.destroy();
    await cluster?.destroy();
  }, 60_000);

  async function predictAttack(): Promise<string> {
    const r = await gql<{ predict: Prediction[] }>(server.url, PREDICT, { r: [ATTACK] });
    expect(r.errors).toBeUndefined();
    expect(r.data!.predict[0].isAnomaly).toBe(true);
    return r.data!.predict[0].anomalyId!;
  }

  it('recovers both without a restart', async () => {
    // Training data for the last step: the default profile stores what it scores.
    const profile = await gql(server.url, 'mutation { upsertProfile(input: { name: "default", storeTraffic: true }) { name } }');
    expect(profile.errors).toBeUndefined();
    const normal = generateHomeNetworkTraffic({ seed: 3, count: 600, kind: 'packet' }).map((r) => ({
      srcIp: r.srcIp,
      destIp: r.destIp,
      srcPort: r.srcPort,
      destPort: r.destPort,
      protocol: r.protocol,
      packetSize: r.packetSize,
    }));
    const stored = await gql(server.url, PREDICT, { r: normal });
    expect(stored.errors).toBeUndefined();

    const watchers = server.services.events.stats().active;
    live = subscribeAnomalies(server.url);
    await eventually('the live subscription', async () => server.services.events.stats().active, (n) => n > watchers);
    expect(await readyz(server.url)).toMatchObject({ httpStatus: 200, status: 'ready', redis: 'ok' });

    await redis.stop();
    expect(await eventually('readiness to notice', () => readyz(server.url), (r) => r.redis === 'down')).toMatchObject({
      httpStatus: 200,
      status: 'degraded',
      database: 'ok',
    });

    // Detection is unaffected, and this process's subscribers still hear it.
    const started = Date.now();
    const during = await predictAttack();
    expect(Date.now() - started).toBeLessThan(2_000);
    await eventually('the live event while Redis is down', async () => live!.ids.includes(during), Boolean, 5_000);

    // Training cannot queue: a coded error, soon.
    const before = Date.now();
    const refused = await gql<{ trainModel: { id: string } }>(server.url, TRAIN, { i: TRAIN_INPUT });
    expect(refused.errors?.[0]?.extensions?.code).toBe('QUEUE_UNAVAILABLE');
    expect(Date.now() - before).toBeLessThan(10_000);

    // Back, on the same port and empty (no persistence): both reconnect by themselves.
    await redis.start();
    await eventually('readiness back', () => readyz(server.url), (r) => r.status === 'ready' && r.redis === 'ok');
    const after = await predictAttack();
    await eventually('the live event through Redis again', async () => live!.ids.includes(after), Boolean, 10_000);

    const queued = await gql<{ trainModel: { id: string } }>(server.url, TRAIN, { i: TRAIN_INPUT });
    expect(queued.errors).toBeUndefined();
    const job = await eventually(
      'the training job to finish',
      async () => (await gql<{ trainingJob: { state: string; error: string | null } }>(server.url, JOB, { id: queued.data!.trainModel.id })).data!.trainingJob,
      (j) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(j.state),
      90_000,
    );
    expect(job).toMatchObject({ state: 'COMPLETED', error: null });
    expect(live.errors).toEqual([]);
  }, 180_000);
});
