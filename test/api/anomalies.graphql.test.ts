import { startTestServer, type TestServer } from '../helpers/test-server';

const PREDICT = `mutation($records: [TrafficRecordInput!]!) { predict(records: $records) { isAnomaly } }`;
const LIST = `query($filter: AnomalyFilter, $first: Int, $after: String) {
  anomalies(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id profile time score srcIp destIp srcPort destPort protocol record modelIds explanation { feature } detectors { name } } }
    nodes { id }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Page {
  anomalies: {
    edges: { cursor: string; node: { id: string; time: string; score: number; srcIp: string; destIp: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const base = Date.parse('2026-03-01T00:00:00Z');
const attackAt = (minute: number, srcIp: string) => ({
  timestamp: new Date(base + minute * 60_000).toISOString(),
  srcIp,
  destIp: '192.168.0.2',
  srcPort: 31337,
  destPort: 4444 + minute,
  protocol: 'TCP',
  packetSize: 60000 + minute,
});

describe('anomalies query', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('anomalies');
    const records = Array.from({ length: 12 }, (_, m) => attackAt(m, m % 2 === 0 ? '203.0.113.10' : '198.51.100.20'));
    const r = await server.graphql<{ predict: { isAnomaly: boolean }[] }>(PREDICT, { records });
    expect(r.data!.predict.every((p) => p.isAnomaly)).toBe(true);
  }, 120_000);
  afterAll(() => server?.close());

  const list = (variables: Record<string, unknown>) => server.graphql<Page>(LIST, variables);

  it('pages newest first with stable cursors and no overlap', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const r: Awaited<ReturnType<typeof list>> = await list({ first: 5, after });
      expect(r.errors).toBeUndefined();
      const page = r.data!.anomalies;
      seen.push(...page.edges.map((e) => e.node.time));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(12);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(new Set(seen).size).toBe(12);
  });

  it('filters by source and destination address', async () => {
    const r = await list({ filter: { srcIp: '198.51.100.20' }, first: 50 });
    const nodes = r.data!.anomalies.edges.map((e) => e.node);
    expect(nodes).toHaveLength(6);
    expect(nodes.every((n) => n.srcIp === '198.51.100.20')).toBe(true);
    expect((await list({ filter: { destIp: '10.9.9.9' } })).data!.anomalies.edges).toHaveLength(0);
  });

  it('filters by time window and minimum score', async () => {
    const since = new Date(base + 3 * 60_000).toISOString();
    const until = new Date(base + 6 * 60_000).toISOString();
    const r = await list({ filter: { since, until } });
    expect(r.data!.anomalies.edges).toHaveLength(4);
    const all = (await list({ first: 50 })).data!.anomalies.edges.map((e) => e.node.score);
    const cut = [...all].sort((a, b) => a - b)[6];
    const high = (await list({ filter: { minScore: cut }, first: 50 })).data!.anomalies.edges;
    expect(high.length).toBe(all.filter((s) => s >= cut).length);
  });

  it('filters by profile and refuses an unknown one', async () => {
    expect((await list({ filter: { profile: 'default' }, first: 50 })).data!.anomalies.edges).toHaveLength(12);
    const r = await list({ filter: { profile: 'ghost' } });
    expect(r.errors![0].extensions!.code).toBe('PROFILE_NOT_FOUND');
  });

  it('treats declared but missing filter variables as no filter', async () => {
    const r = await server.graphql<Page>(
      `query($min: Float, $src: String) { anomalies(filter: { minScore: $min, srcIp: $src }, first: 50) { edges { cursor } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.anomalies.edges).toHaveLength(12);
  });

  it('refuses a forged cursor and an out-of-range page size with BAD_USER_INPUT', async () => {
    expect((await list({ after: 'garbage' })).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect((await list({ first: 0 })).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect((await list({ first: 100000 })).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });
});
