import { redisTestEnv } from '../jobs/redis-env';
import { seedProfile, train, waitForJob } from '../jobs/training-jobs.suite';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { parseExposition, sampleValue, type Family } from './exposition';

const PREDICT = `mutation($records: [TrafficRecordInput!]!) { predict(records: $records) { isAnomaly } }`;
const normal = { srcIp: '192.168.0.1', destIp: '192.168.0.2', srcPort: 1234, destPort: 80, protocol: 'TCP', packetSize: 100 };
const attack = { srcIp: '203.0.113.66', destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };
const seed = (r: typeof normal) => ({ src_ip: r.srcIp, dest_ip: r.destIp, src_port: r.srcPort, dest_port: r.destPort, protocol: r.protocol, packet_size: r.packetSize });

const DEFAULT = { site: 'default', profile: 'default' };

type Scrape = Map<string, Family>;

async function scrape(server: TestServer): Promise<Scrape> {
  const res = await fetch(`${server.url}/metrics`, { headers: server.authHeaders() });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

/** How far a sample moved between two scrapes (an absent sample counts as 0). */
function moved(before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}): number {
  return (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);
}

async function predictGraphql(server: TestServer, records: (typeof normal)[]): Promise<number> {
  const r = await server.graphql<{ predict: { isAnomaly: boolean }[] }>(PREDICT, { records });
  expect(r.errors).toBeUndefined();
  return r.data!.predict.filter((p) => p.isAnomaly).length;
}

async function predictRest(server: TestServer, records: (typeof normal)[]): Promise<number> {
  const res = await fetch(`${server.url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...server.authHeaders() },
    body: JSON.stringify(records.map(seed)),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { prediction: number[] };
  return body.prediction.filter((p) => p === -1).length;
}

describe('Prometheus /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A tiny subscription buffer, so a subscriber that never reads drops events at once.
    server = await startTestServer('metrics', { EVENTS_BUFFER: '2' });
  }, 120_000);
  afterAll(() => server?.close());

  it('counts records by profile and transport, anomalies by profile, and times each batch', async () => {
    const before = await scrape(server);
    const graphqlAnomalies = (await predictGraphql(server, [normal, attack, normal])) + (await predictGraphql(server, [attack]));
    const restAnomalies = await predictRest(server, [attack, normal]);
    expect(graphqlAnomalies).toBe(2);
    expect(restAnomalies).toBe(1);
    // Rejected batches are never scored: they count nowhere.
    const bad = await server.graphql(PREDICT, { records: [normal, { ...normal, srcPort: 70000 }] });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const after = await scrape(server);

    expect(moved(before, after, 'netsentinel_predictions_total', { ...DEFAULT, transport: 'graphql' })).toBe(4);
    expect(moved(before, after, 'netsentinel_predictions_total', { ...DEFAULT, transport: 'rest' })).toBe(2);
    expect(moved(before, after, 'netsentinel_anomalies_total', DEFAULT)).toBe(3);
    expect(moved(before, after, 'netsentinel_predict_batch_duration_seconds_count', { transport: 'graphql' })).toBe(2);
    expect(moved(before, after, 'netsentinel_predict_batch_duration_seconds_count', { transport: 'rest' })).toBe(1);
    const seconds = moved(before, after, 'netsentinel_predict_batch_duration_seconds_sum', { transport: 'graphql' });
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(30);
  });

  it('times HTTP requests by route and status class, never by raw URL', async () => {
    const before = await scrape(server);
    await predictGraphql(server, [normal]);
    expect((await fetch(`${server.url}/no/such/path-${Date.now()}`)).status).toBe(404);
    const badBody = await fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...server.authHeaders() },
      body: '{"not": "an array"}',
    });
    expect(badBody.status).toBe(400);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // Without a key the scrape is refused, and timed like any request.
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const after = await scrape(server);

    const count = (route: string, statusClass: string) =>
      moved(before, after, 'netsentinel_http_request_duration_seconds_count', { route, status_class: statusClass });
    expect(count('/graphql', '2xx')).toBe(1);
    expect(count('unmatched', '4xx')).toBe(1);
    expect(count('/predict', '4xx')).toBe(1);
    expect(count('/healthz', '2xx')).toBe(1);
    // The scrape before was itself timed once it finished.
    expect(count('/metrics', '2xx')).toBe(1);
    expect(count('/metrics', '4xx')).toBe(1);
    const routes = new Set(after.get('netsentinel_http_request_duration_seconds')!.samples.map((s) => s.labels.route));
    expect([...routes].some((r) => r.includes('no/such'))).toBe(false);
  });

  it('serves the text format with the process metrics, the queue depth and the anomaly buffer', async () => {
    const m = await scrape(server);
    expect(m.get('netsentinel_predictions_total')?.type).toBe('counter');
    expect(m.get('netsentinel_predict_batch_duration_seconds')?.type).toBe('histogram');
    expect(m.get('netsentinel_http_request_duration_seconds')?.type).toBe('histogram');
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(sampleValue(m, name)).toBeGreaterThan(0);
    }
    for (const family of m.values()) expect(family.help.length).toBeGreaterThan(0);
    expect(sampleValue(m, 'netsentinel_training_queue_available')).toBe(1);
    for (const state of ['waiting', 'active', 'delayed']) {
      expect(sampleValue(m, 'netsentinel_training_queue_jobs', { state })).toBe(0);
    }
    expect(sampleValue(m, 'netsentinel_anomaly_buffer_size')).toBe(0);
    expect(sampleValue(m, 'netsentinel_anomaly_buffer_dropped_total')).toBe(0);
  });

  it('shows a running training job in the queue depth while it runs (in-process backend)', async () => {
    await seedProfile(server, 'metrics-train', 3_000);
    const job = await train(server, { profile: 'metrics-train' });
    // The job runs in a fitting thread whose start alone takes longer than this scrape.
    const during = await scrape(server);
    const queued = ['waiting', 'active'].map((state) => sampleValue(during, 'netsentinel_training_queue_jobs', { state }) ?? 0);
    expect(queued[0] + queued[1]).toBe(1);
    const finished = await waitForJob(server, job.id);
    expect([finished.state, finished.error]).toEqual(['COMPLETED', null]);
    const done = await scrape(server);
    expect(sampleValue(done, 'netsentinel_training_queue_jobs', { state: 'active' })).toBe(0);
    expect(sampleValue(done, 'netsentinel_training_queue_jobs', { state: 'waiting' })).toBe(0);
  }, 90_000);

  it('counts the events a slow subscriber dropped', async () => {
    const before = await scrape(server);
    const subscription = server.services.events.subscribe('ANOMALY_DETECTED');
    try {
      const anomalies = await predictGraphql(server, [attack, { ...attack, destPort: 4445 }, { ...attack, destPort: 4446 }, { ...attack, destPort: 4447 }, { ...attack, destPort: 4448 }]);
      expect(anomalies).toBe(5);
      const after = await scrape(server);
      // EVENTS_BUFFER=2 and nothing reads: the 3 oldest of the 5 are dropped.
      expect(moved(before, after, 'netsentinel_subscription_events_dropped_total')).toBe(3);
      expect(moved(before, after, 'netsentinel_subscriptions_active')).toBe(1);
    } finally {
      await subscription.return();
    }
  });

  const redis = redisTestEnv('metrics-bullmq');
  (redis ? it : it.skip)('reads the queue depth from BullMQ, in a registry of its own per server', async () => {
    // No worker: the default profile's training job stays waiting in the queue.
    const other = await startTestServer('metrics-bullmq', { ...redis!.env, WORKERS: '0' });
    try {
      await predictGraphql(server, [normal]);
      const m = await scrape(other);
      expect(sampleValue(m, 'netsentinel_training_queue_available')).toBe(1);
      expect(sampleValue(m, 'netsentinel_training_queue_jobs', { state: 'waiting' })).toBe(1);
      expect(sampleValue(m, 'netsentinel_training_queue_jobs', { state: 'active' })).toBe(0);
      // Nothing was scored on this server, whatever the other server in this process scored.
      expect(m.get('netsentinel_predictions_total')?.samples).toEqual([]);
      expect(sampleValue(await scrape(server), 'netsentinel_predictions_total', { ...DEFAULT, transport: 'graphql' })).toBeGreaterThan(0);
    } finally {
      await other.close();
      await redis!.cleanup();
    }
  }, 120_000);
});
