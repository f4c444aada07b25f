import { startTestServer, type TestServer } from '../helpers/test-server';
import { errorCodes, openAcknowledged, type RawConnection } from './raw-ws';

const RECORD = { src_ip: '192.168.0.1', dest_ip: '192.168.0.2', src_port: 1234, dest_port: 80, protocol: 'TCP', packet_size: 100 };

/**
 * 3 requests at once, then one every 100 s: slow enough that no token comes back
 * while a test runs, however loaded the machine (a first predict loading its model
 * took over 5 s at a load average of 17).
 */
const LIMITS = { RATE_LIMIT_PER_SECOND: '0.01', RATE_LIMIT_BURST: '3' };

describe('requests per API key per second (RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST)', () => {
  let server: TestServer;
  const sockets: RawConnection[] = [];
  beforeAll(async () => {
    server = await startTestServer('ratelimit', LIMITS);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await server?.close();
  });

  /** A fresh key of the default site: its own bucket. */
  async function newKey(): Promise<Record<string, string>> {
    const root = await server.services.auth.authenticate(server.authHeaders().authorization);
    const { key } = await server.services.auth.createApiKey(root, 'default', ['read', 'write']);
    return server.authHeaders(key);
  }

  const predictRest = (headers: Record<string, string>) =>
    fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify([RECORD]) });
  const query = (headers: Record<string, string>) =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ detectors { name } }' }) });

  it('admits a burst, then answers REST with 429 RATE_LIMITED and Retry-After; GraphQL and WebSocket draw on the same bucket', async () => {
    const key = await newKey();
    for (let i = 0; i < 3; i++) expect((await predictRest(key)).status).toBe(200);

    const rest = await predictRest(key);
    expect(rest.status).toBe(429);
    expect(Number(rest.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await rest.json()).toEqual({ error: expect.objectContaining({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) }) });

    const gql = await query(key);
    expect(gql.status).toBe(429);
    expect(Number(gql.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await gql.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['RATE_LIMITED']);

    const conn = await openAcknowledged(server.url, key);
    sockets.push(conn);
    conn.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { anomalyDetected { id } }' } });
    expect(errorCodes(await conn.waitFor((m) => m.id === '1'))).toEqual(['RATE_LIMITED']);
    expect(conn.closed).toBeUndefined(); // the connection stays; only the operation is refused
  });

  it('keeps a bucket per key: another key of the same site is not held back', async () => {
    const first = await newKey();
    const second = await newKey();
    for (let i = 0; i < 3; i++) expect((await query(first)).status).toBe(200);
    expect((await query(first)).status).toBe(429);

    expect((await query(second)).status).toBe(200);
    const conn = await openAcknowledged(server.url, second);
    sockets.push(conn);
    conn.send({ id: 'a', type: 'subscribe', payload: { query: 'subscription { anomalyDetected { id } }' } });
    conn.send({ id: 'b', type: 'subscribe', payload: { query: '{ detectors { name } }' } });
    const answer = await conn.waitFor((m) => m.id === 'b' && m.type === 'next');
    expect(answer.payload).toMatchObject({ data: { detectors: expect.any(Array) } });
    expect(conn.messages.filter((m) => m.id === 'a')).toEqual([]); // subscribed, no error
    // The bucket is now empty (3 requests): the next operation on the socket is refused.
    conn.send({ id: 'c', type: 'subscribe', payload: { query: '{ detectors { name } }' } });
    expect(errorCodes(await conn.waitFor((m) => m.id === 'c'))).toEqual(['RATE_LIMITED']);
  });

  it('does not count health checks', async () => {
    const key = await newKey();
    for (let i = 0; i < 10; i++) expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await query(key)).status).toBe(200);
  });
});
