import { startTestServer, type TestServer } from '../helpers/test-server';

const PREDICT = `mutation($records: [TrafficRecordInput!]!, $profile: String) {
  predict(records: $records, profile: $profile) {
    score isAnomaly modelVersion anomalyId
    detectors { name score normalizedScore threshold isAnomaly modelId modelVersion }
    explanation { feature value typical weight message }
  }
}`;

const normal = { srcIp: '192.168.0.1', destIp: '192.168.0.2', srcPort: 1234, destPort: 80, protocol: 'TCP', packetSize: 100 };
const attack = { srcIp: '203.0.113.66', destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };

interface PredictionResult {
  score: number;
  isAnomaly: boolean;
  modelVersion: string;
  anomalyId: string | null;
  detectors: { name: string; score: number; normalizedScore: number; threshold: number; isAnomaly: boolean }[];
  explanation: { feature: string; value: string; typical: string; weight: number; message: string }[];
}

describe('GraphQL predict', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('predict', { MAX_BATCH_RECORDS: '50' });
  }, 120_000);
  afterAll(() => server?.close());

  const anomalyCount = async () => {
    const r = await server.graphql<{ anomalies: { nodes: unknown[] } }>('{ anomalies(first: 500) { nodes { id } } }');
    return r.data!.anomalies.nodes.length;
  };

  it('scores every record with every enabled detector, in input order', async () => {
    const r = await server.graphql<{ predict: PredictionResult[] }>(PREDICT, { records: [normal, attack] });
    expect(r.errors).toBeUndefined();
    const [n, a] = r.data!.predict;
    expect(n.isAnomaly).toBe(false);
    expect(n.anomalyId).toBeNull();
    expect(a.isAnomaly).toBe(true);
    // Made at detection time (not by the database), so it is the same in the answer, the live event and `anomalies`.
    expect(a.anomalyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(a.score).toBeGreaterThan(n.score);
    expect(a.detectors.map((d) => d.name).sort()).toEqual(['isolation-forest', 'knn-distance']);
    expect(a.modelVersion).toMatch(/isolation-forest@\d+/);
    for (const d of a.detectors) expect(d.isAnomaly).toBe(d.score >= d.threshold);
  });

  it('explains an anomaly with the fields that pushed it, their values and typical values', async () => {
    const r = await server.graphql<{ predict: PredictionResult[] }>(PREDICT, { records: [attack] });
    const { explanation } = r.data!.predict[0];
    expect(explanation.length).toBeGreaterThan(0);
    expect(explanation.length).toBeLessThanOrEqual(3);
    const top = explanation.map((e) => e.feature).join(' | ');
    expect(top).toMatch(/port|size|address/i);
    for (const e of explanation) {
      expect(e.message.length).toBeGreaterThan(10);
      expect(e.typical.length).toBeGreaterThan(0);
    }
  });

  it('stores anomalies and nothing else', async () => {
    const before = await anomalyCount();
    await server.graphql(PREDICT, { records: [normal, attack, normal] });
    expect(await anomalyCount()).toBe(before + 1);
  });

  it.each([
    ['srcIp', { srcIp: 'not-an-ip' }],
    ['destPort', { destPort: 70000 }],
    ['protocol', { protocol: 'BOGUS' }],
    ['packetSize', { packetSize: -1 }],
  ])('rejects a bad %s with BAD_USER_INPUT naming index and field, storing nothing', async (field, bad) => {
    const before = await anomalyCount();
    const r = await server.graphql(PREDICT, { records: [attack, { ...attack, ...bad }] });
    expect(r.data ?? null).toBeNull();
    expect(r.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', index: 1, field });
    expect(r.errors![0].message).toContain(field);
    expect(await anomalyCount()).toBe(before);
  });

  it('accepts a protocol number', async () => {
    const r = await server.graphql<{ predict: PredictionResult[] }>(PREDICT, { records: [{ ...normal, protocol: 6 }] });
    expect(r.errors).toBeUndefined();
    expect(r.data!.predict).toHaveLength(1);
  });

  it('refuses a batch above the configured limit with BATCH_TOO_LARGE', async () => {
    const r = await server.graphql(PREDICT, { records: Array.from({ length: 51 }, () => normal) });
    expect(r.errors![0].extensions!.code).toBe('BATCH_TOO_LARGE');
  });

  it('answers an unknown profile with PROFILE_NOT_FOUND', async () => {
    const r = await server.graphql(PREDICT, { records: [normal], profile: 'nope' });
    expect(r.errors![0].extensions!.code).toBe('PROFILE_NOT_FOUND');
  });

  it('answers a profile without a trained model with NO_ACTIVE_MODEL', async () => {
    await server.graphql('mutation { upsertProfile(input: { name: "untrained" }) { name } }');
    const r = await server.graphql(PREDICT, { records: [normal], profile: 'untrained' });
    expect(r.errors![0].extensions!.code).toBe('NO_ACTIVE_MODEL');
  });

  it('gives GraphQL type errors a code and still answers afterwards', async () => {
    const r = await server.graphql(PREDICT, { records: [{ ...normal, srcPort: 'eighty' }] });
    expect(r.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const syntax = await server.graphql('{ predict(');
    expect(syntax.errors![0].extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    const ok = await server.graphql<{ predict: PredictionResult[] }>(PREDICT, { records: [normal] });
    expect(ok.data!.predict[0].isAnomaly).toBe(false);
  });
});
