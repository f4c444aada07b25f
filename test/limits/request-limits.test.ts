import { startTestServer, type TestServer } from '../helpers/test-server';
import { errorCodes, openAcknowledged, type RawConnection } from './raw-ws';

/** Scored as normal / as an anomaly by the default profile's model. */
const NORMAL = { src_ip: '192.168.0.1', dest_ip: '192.168.0.2', src_port: 1234, dest_port: 80, protocol: 'TCP', packet_size: 100 };
const ATTACK = { src_ip: '203.0.113.66', dest_ip: '192.168.0.2', src_port: 31337, dest_port: 4444, protocol: 'TCP', packet_size: 65000 };
const GQL_ATTACK = { srcIp: ATTACK.src_ip, destIp: ATTACK.dest_ip, srcPort: ATTACK.src_port, destPort: ATTACK.dest_port, protocol: 'TCP', packetSize: ATTACK.packet_size };
const PREDICT = 'mutation($records: [TrafficRecordInput!]!) { predict(records: $records) { isAnomaly } }';
const ANOMALY_DETECTED = 'subscription { anomalyDetected { id score } }';

const LIMITS = {
  MAX_BODY_BYTES: '4096',
  MAX_BATCH_RECORDS: '5',
  MAX_QUERY_DEPTH: '3',
  MAX_QUERY_COMPLEXITY: '500',
  MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
  RATE_LIMIT_PER_SECOND: '0', // off here: test/limits/rate-limit.test.ts has its own server
};

describe('request limits', () => {
  let server: TestServer;
  const sockets: RawConnection[] = [];
  beforeAll(async () => {
    server = await startTestServer('limits', LIMITS);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await server?.close();
  });

  const post = (path: string, body: string) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...server.authHeaders() }, body });
  const ws = async () => {
    const conn = await openAcknowledged(server.url, server.authHeaders());
    sockets.push(conn);
    return conn;
  };

  describe('request body size (MAX_BODY_BYTES)', () => {
    const big = JSON.stringify(Array.from({ length: 60 }, () => NORMAL)); // ~6 KB, 60 records

    it('refuses a larger body on REST with 413 PAYLOAD_TOO_LARGE, naming the limit', async () => {
      const res = await post('/predict', big);
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE', maxBytes: 4096 }) });
    });

    it('refuses a larger body on /graphql with 413 and a GraphQL-shaped PAYLOAD_TOO_LARGE error', async () => {
      const res = await post('/graphql', JSON.stringify({ query: PREDICT, variables: { records: JSON.parse(big) } }));
      expect(res.status).toBe(413);
      const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors.map((e) => e.extensions.code)).toEqual(['PAYLOAD_TOO_LARGE']);
    });

    it('accepts a body under the limit', async () => {
      const res = await post('/predict', JSON.stringify([NORMAL]));
      expect(res.status).toBe(200);
    });
  });

  describe('records per predict (MAX_BATCH_RECORDS)', () => {
    it('refuses one record more than the limit with BATCH_TOO_LARGE on REST (413) and GraphQL, storing nothing', async () => {
      const six = Array.from({ length: 6 }, () => ATTACK);
      const rest = await post('/predict', JSON.stringify(six));
      expect(rest.status).toBe(413);
      expect(((await rest.json()) as { error: { code: string } }).error.code).toBe('BATCH_TOO_LARGE');
      const gql = await server.graphql(PREDICT, { records: six.map(() => GQL_ATTACK) });
      expect(gql.errors?.map((e) => e.extensions?.code)).toEqual(['BATCH_TOO_LARGE']);
      const stored = await server.graphql<{ anomalies: { nodes: unknown[] } }>('{ anomalies { nodes { id } } }');
      expect(stored.data!.anomalies.nodes).toEqual([]);
    });

    it('scores a batch at the limit', async () => {
      const five = await server.graphql<{ predict: unknown[] }>(PREDICT, { records: Array.from({ length: 5 }, () => GQL_ATTACK) });
      expect(five.errors).toBeUndefined();
      expect(five.data!.predict).toHaveLength(5);
    });
  });

  describe('query depth (MAX_QUERY_DEPTH)', () => {
    const atLimit = '{ anomalies { edges { node { id } } } }';
    const tooDeep = '{ anomalies { edges { node { detectors { name } } } } }';

    it('refuses a deeper operation over HTTP with 400 QUERY_TOO_DEEP before running it', async () => {
      const res = await server.graphql(tooDeep);
      expect(res.status).toBe(400);
      expect(res.data).toBeUndefined();
      expect(res.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'QUERY_TOO_DEEP', maxDepth: 3 })]);
      expect((await server.graphql(atLimit)).errors).toBeUndefined();
    });

    it('refuses the same over WebSocket, counting through fragments', async () => {
      const conn = await ws();
      conn.send({ id: 'deep', type: 'subscribe', payload: { query: tooDeep } });
      conn.send({
        id: 'deep-fragment',
        type: 'subscribe',
        payload: { query: 'query { anomalies { ...Page } } fragment Page on AnomalyConnection { edges { node { ... on Anomaly { detectors { name } } } } }' },
      });
      expect(errorCodes(await conn.waitFor((m) => m.id === 'deep' && m.type === 'error'))).toEqual(['QUERY_TOO_DEEP']);
      expect(errorCodes(await conn.waitFor((m) => m.id === 'deep-fragment' && m.type === 'error'))).toEqual(['QUERY_TOO_DEEP']);
      // Sent once those are answered: operations still being checked count against the connection's limit of 2.
      conn.send({ id: 'ok', type: 'subscribe', payload: { query: 'subscription { anomalyDetected { ...A } } fragment A on Anomaly { detectors { name } }' } });
      await conn.settle();
      expect(conn.messages.filter((m) => m.id === 'ok')).toEqual([]); // subscribed, waiting for events
      expect(conn.closed).toBeUndefined();
    });
  });

  describe('query complexity (MAX_QUERY_COMPLEXITY)', () => {
    const page = 'query($n: Int!) { anomalies(first: $n) { nodes { id } } }'; // 1 + n × 2

    it('weighs a page by its `first` variable: 200 rows pass, 300 are refused with 400 QUERY_TOO_COMPLEX', async () => {
      expect((await server.graphql(page, { n: 200 })).errors).toBeUndefined();
      const res = await server.graphql(page, { n: 300 });
      expect(res.status).toBe(400);
      expect(res.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', complexity: 601, maxComplexity: 500 })]);
    });

    it('refuses a subscription whose selection is too expensive', async () => {
      const aliases = Array.from({ length: 50 }, (_, i) => `d${i}: detectors { name }`).join(' '); // 50 × 11
      const conn = await ws();
      conn.send({ id: 'costly', type: 'subscribe', payload: { query: `subscription { anomalyDetected { ${aliases} } }` } });
      expect(errorCodes(await conn.waitFor((m) => m.id === 'costly'))).toEqual(['QUERY_TOO_COMPLEX']);
    });
  });

  describe('operations per WebSocket connection (MAX_SUBSCRIPTIONS_PER_CONNECTION)', () => {
    it('refuses a third subscription on a connection with TOO_MANY_SUBSCRIPTIONS and takes one again after a complete', async () => {
      const conn = await ws();
      conn.send({ id: 's1', type: 'subscribe', payload: { query: ANOMALY_DETECTED } });
      conn.send({ id: 's2', type: 'subscribe', payload: { query: ANOMALY_DETECTED } });
      conn.send({ id: 's3', type: 'subscribe', payload: { query: ANOMALY_DETECTED } });
      const refused = await conn.waitFor((m) => m.id === 's3');
      expect(refused.type).toBe('error');
      expect(errorCodes(refused)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
      expect((refused.payload as { extensions: Record<string, unknown> }[])[0].extensions.maxSubscriptions).toBe(2);

      // Another connection has its own allowance.
      const other = await ws();
      other.send({ id: 'o1', type: 'subscribe', payload: { query: ANOMALY_DETECTED } });

      await post('/predict', JSON.stringify([ATTACK]));
      for (const [c, id] of [[conn, 's1'], [conn, 's2'], [other, 'o1']] as const) {
        expect((await c.waitFor((m) => m.id === id && m.type === 'next')).payload).toMatchObject({ data: { anomalyDetected: { id: expect.any(String) } } });
      }

      conn.send({ id: 's1', type: 'complete' });
      conn.send({ id: 's4', type: 'subscribe', payload: { query: ANOMALY_DETECTED } });
      await post('/predict', JSON.stringify([ATTACK]));
      await conn.waitFor((m) => m.id === 's4' && m.type === 'next');
      expect(conn.messages.filter((m) => m.id === 's4' && m.type === 'error')).toEqual([]);
      expect(conn.closed).toBeUndefined();
    });
  });
});
