import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../helpers/test-server';
import { connectLive, subscribe, until } from './helpers/live-client';

const PREDICT = `mutation($records: [TrafficRecordInput!]!) { predict(records: $records) { score isAnomaly anomalyId } }`;
const ANOMALIES = `subscription($profile: String, $minScore: Float) {
  anomalyDetected(profile: $profile, minScore: $minScore) {
    id profile time score srcIp destIp srcPort destPort protocol modelIds
    detectors { name score isAnomaly }
    explanation { feature value typical message }
  }
}`;

const normal = { srcIp: '192.168.0.1', destIp: '192.168.0.2', srcPort: 1234, destPort: 80, protocol: 'TCP', packetSize: 100 };
const attack = { srcIp: '203.0.113.66', destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };

interface Anomaly {
  id: string;
  profile: string;
  score: number;
  srcIp: string;
  destIp: string;
  destPort: number;
  explanation: { message: string }[];
}
type AnomalyResult = { anomalyDetected: Anomaly };

describe('GraphQL subscriptions (in memory)', () => {
  let server: TestServer;
  let client: Client;
  const active = () => server.services.events.stats().active;

  beforeAll(async () => {
    server = await startTestServer('live', { EVENTS_BUFFER: '20' });
    client = connectLive(server.url);
    await server.graphql('mutation { upsertProfile(input: { name: "quiet" }) { name } }');
  }, 120_000);
  afterAll(async () => {
    await client?.dispose();
    await server?.close();
  });

  async function predict(records: unknown[]): Promise<{ score: number; isAnomaly: boolean; anomalyId: string | null }[]> {
    const r = await server.graphql<{ predict: { score: number; isAnomaly: boolean; anomalyId: string | null }[] }>(PREDICT, { records });
    expect(r.errors).toBeUndefined();
    return r.data!.predict;
  }

  it('delivers stored anomalies with hosts, ports and explanation, filtered by profile and score', async () => {
    const before = active();
    const all = subscribe<AnomalyResult>(client, ANOMALIES);
    const forDefault = subscribe<AnomalyResult>(client, ANOMALIES, { profile: 'default', minScore: 0.5 });
    const otherProfile = subscribe<AnomalyResult>(client, ANOMALIES, { profile: 'quiet' });
    const tooHigh = subscribe<AnomalyResult>(client, ANOMALIES, { minScore: 1.01 });
    await until(() => active() === before + 4, 'four subscriptions');

    const [n, a] = await predict([normal, attack]);
    expect(n.isAnomaly).toBe(false);
    const isIt = (r: { data?: AnomalyResult | null }) => r.data?.anomalyDetected.id === a.anomalyId;
    const got = (await all.waitFor(isIt)).data!.anomalyDetected;
    await forDefault.waitFor(isIt);
    expect(got).toMatchObject({ profile: 'default', srcIp: attack.srcIp, destIp: attack.destIp, destPort: 4444, protocol: 'TCP' });
    expect(got.score).toBeCloseTo(a.score, 10);
    expect(got.explanation.length).toBeGreaterThan(0);
    expect(all.results).toHaveLength(1);

    // Filtered-out subscribers would have heard by now: the bus fans out in one synchronous dispatch.
    await predict([normal]);
    expect(otherProfile.results).toEqual([]);
    expect(tooHigh.results).toEqual([]);
    for (const s of [all, forDefault, otherProfile, tooHigh]) s.stop();
    await until(() => active() === before, 'subscriptions to end');
  });

  it('delivers a burst in publication order, to subscribers of the same and of different operations', async () => {
    const before = active();
    const withArgs = subscribe<AnomalyResult>(client, ANOMALIES, { profile: 'default' });
    const sameOperation = subscribe<AnomalyResult>(client, ANOMALIES, { profile: 'default' });
    const plain = subscribe<{ anomalyDetected: { id: string } }>(client, 'subscription { anomalyDetected { id } }');
    await until(() => active() === before + 3, 'three subscriptions');
    const ids = Array.from({ length: 15 }, (_, i) => `burst-${i}`);
    // One synchronous burst, shorter than the test server's buffer (EVENTS_BUFFER 20): nothing may be dropped.
    for (const id of ids) {
      server.services.events.publish('ANOMALY_DETECTED', {
        id, site: 'default', profile: 'default', time: new Date().toISOString(), score: 0.9, record: {}, detectors: [], explanation: [], modelIds: [],
      });
    }
    const last = (r: { data?: { anomalyDetected: { id: string } } | null }) => r.data?.anomalyDetected.id === ids[ids.length - 1];
    for (const s of [withArgs, sameOperation, plain]) {
      await s.waitFor(last);
      expect(s.results.map((r) => r.data?.anomalyDetected.id)).toEqual(ids);
    }
    for (const s of [withArgs, sameOperation, plain]) s.stop();
    await until(() => active() === before, 'subscriptions to end');
  });

  it('refuses an unknown profile with a coded error', async () => {
    const s = subscribe<AnomalyResult>(client, ANOMALIES, { profile: 'nope' });
    await s.done;
    expect(s.results[0].errors![0].extensions).toMatchObject({ code: 'PROFILE_NOT_FOUND' });
  });

  it('announces an activated model with every Model field, to subscribers of its profile', async () => {
    const query = 'subscription($p: String) { modelActivated(profile: $p) { id profile detector version active threshold features trainedAt } }';
    const before = active();
    const mine = subscribe<{ modelActivated: { id: string; detector: string; features: string[] } }>(client, query, { p: 'default' });
    const other = subscribe(client, query, { p: 'quiet' });
    await until(() => active() === before + 2, 'two subscriptions');
    const models = await server.graphql<{ models: { id: string; detector: string; version: number; active: boolean }[] }>(
      '{ models(profile: "default") { id detector version active } }',
    );
    const m = models.data!.models.find((x) => x.active)!;
    server.services.events.publish('MODEL_ACTIVATED', { site: 'default', profile: 'default', modelId: m.id, detector: m.detector, version: m.version, trainingJobId: null });
    const got = (await mine.waitFor((r) => r.data != null)).data!.modelActivated;
    expect(got).toMatchObject({ id: m.id, detector: m.detector, profile: 'default', version: m.version, active: true });
    expect(got.features.length).toBeGreaterThan(3);
    expect(other.results).toEqual([]);
    mine.stop();
    other.stop();
    await until(() => active() === before, 'subscriptions to end');
  });

  it('never lets a stalled subscriber slow detection: its buffer is bounded and drops are counted', async () => {
    const before = active();
    const healthy = subscribe<AnomalyResult>(client, ANOMALIES, { profile: 'default' });
    const stalled = await stalledSubscriber(server.url, '{ "query": "subscription { anomalyDetected { id record } }" }');
    await until(() => active() === before + 2, 'both subscriptions');
    const droppedBefore = server.services.events.stats().dropped;

    // ~40 MB for a client that reads nothing: far more than the socket buffers hold. Published in
    // small rounds a reading client keeps up with (it then drops nothing), so drops mean the stall.
    const bulky = { blob: 'x'.repeat(8_000) };
    let publishMs = 0;
    for (let round = 0; round < 500; round++) {
      const started = performance.now();
      for (let i = 0; i < 10; i++) {
        server.services.events.publish('ANOMALY_DETECTED', {
          id: `bulk-${round}-${i}`, site: 'default', profile: 'quiet', time: new Date().toISOString(), score: 0.9, record: bulky, detectors: [], explanation: [], modelIds: [],
        });
      }
      publishMs += performance.now() - started;
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(publishMs).toBeLessThan(1_000);

    const t0 = performance.now();
    const [, a] = await predict([normal, attack]);
    expect(performance.now() - t0).toBeLessThan(5_000);
    await healthy.waitFor((r) => r.data?.anomalyDetected.id === a.anomalyId);
    // Only the stalled subscription takes 'quiet' events; all but its buffer and what the socket absorbed are gone.
    expect(server.services.events.stats().dropped - droppedBefore).toBeGreaterThan(3_000);

    healthy.stop();
    stalled.terminate();
  }, 60_000);
});

/** A raw graphql-transport-ws client that subscribes, then stops reading its socket (a hung browser tab). */
async function stalledSubscriber(httpUrl: string, subscribePayload: string): Promise<WebSocket> {
  const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${TEST_ADMIN_KEY}` } }));
  const ack = await new Promise<string>((resolve, reject) => ws.once('message', (m) => resolve(String(m))).once('close', (code) => reject(new Error(`closed ${code}`))));
  expect(JSON.parse(ack)).toEqual({ type: 'connection_ack' });
  ws.send(`{ "id": "1", "type": "subscribe", "payload": ${subscribePayload} }`);
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  return ws;
}
