import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/server';
import type { TestDatabase } from '../helpers/test-database';
import { startTestServer, TEST_ADMIN_KEY } from '../helpers/test-server';
import { connectLive, subscribe, until } from './helpers/live-client';
import { startServerProcess, type ServerProcess } from './helpers/server-process';

const REDIS_URL = process.env.REDIS_URL;
const PREDICT = `mutation($records: [TrafficRecordInput!]!) { predict(records: $records) { isAnomaly anomalyId } }`;
const ANOMALIES = 'subscription { anomalyDetected(profile: "default") { id profile srcIp destPort score } }';
const attack = { srcIp: '203.0.113.77', destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };

if (!REDIS_URL && process.env.CI === 'true') {
  throw new Error('REDIS_URL must be set under CI: the cross-instance fan-out test may not be skipped');
}
if (!REDIS_URL) console.log('skipping the Redis fan-out test: REDIS_URL is not set (CI sets it)');

(REDIS_URL ? describe : describe.skip)('anomalies fan out across server processes through Redis', () => {
  const id = `fanout-${randomBytes(4).toString('hex')}`;
  const prefix = `${id}:`;
  // Its own channels and queue, so test files running in parallel on the same Redis never meet.
  const env = { REDIS_URL: REDIS_URL!, EVENTS_PREFIX: prefix, QUEUE_PREFIX: id };
  let database: TestDatabase;
  let receiver: RunningServer;
  let detector: ServerProcess;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL!);
    // The shared database is prepared (migrated, default profile trained in process) before
    // the two Redis-connected instances start on it, so this test depends on nothing but events.
    const setup = await startTestServer('fanout');
    database = setup.database;
    await setup.stop();
    receiver = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, ADMIN_API_KEY: TEST_ADMIN_KEY, ...env }), createLogger('silent'));
    // A second instance of the deployment: its own OS process, the same database and Redis.
    detector = await startServerProcess({ ...env, DATABASE_URL: database.url });
  }, 120_000);
  afterAll(async () => {
    await detector?.stop();
    await receiver?.stop();
    await database?.drop();
    redis?.disconnect();
  });

  it('a subscriber on one process receives what predict stored on the other', async () => {
    const client = connectLive(receiver.url);
    const before = receiver.services.events.stats().active;
    const live = subscribe<{ anomalyDetected: { id: string; profile: string; srcIp: string; destPort: number } }>(client, ANOMALIES);
    await until(() => receiver.services.events.stats().active === before + 1, 'the subscription');
    await until(async () => {
      const [, count] = (await redis.pubsub('NUMSUB', `${prefix}ANOMALY_DETECTED`)) as [string, number];
      return count >= 1;
    }, 'the Redis channel subscription');

    const res = await fetch(`${detector.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify({ query: PREDICT, variables: { records: [attack] } }),
    });
    const body = (await res.json()) as { data: { predict: { isAnomaly: boolean; anomalyId: string }[] } };
    const [prediction] = body.data.predict;
    expect(prediction.isAnomaly).toBe(true);

    const got = await live.waitFor((r) => r.data?.anomalyDetected.id === prediction.anomalyId);
    expect(got.data!.anomalyDetected).toMatchObject({ profile: 'default', srcIp: attack.srcIp, destPort: 4444 });
    live.stop();
    await client.dispose();
  });
});
