import { AuthFailureLimiter } from '../../src/limits/auth-failures';
import { RateLimiter } from '../../src/limits/rate-limiter';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { openRaw, type RawConnection } from './raw-ws';

describe('RateLimiter.peek', () => {
  it('tells the wait without taking a token', () => {
    let now = 0;
    const limiter = new RateLimiter(1, 1, () => now);
    expect(limiter.peek('a')).toBe(0);
    expect(limiter.peek('a')).toBe(0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.peek('a')).toBe(1000);
    now += 400;
    expect(limiter.peek('a')).toBe(600);
    now += 600;
    expect(limiter.peek('a')).toBe(0);
    expect(limiter.take('a')).toBe(0);
  });
});

describe('AuthFailureLimiter', () => {
  it('refuses an address once its failures are used up, per address, until they age out', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(2, () => now);
    limiter.failed('10.0.0.1');
    expect(limiter.refusal('10.0.0.1')).toBeUndefined();
    limiter.failed('10.0.0.1');
    expect(limiter.refusal('10.0.0.1')).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: 30_000 } });
    expect(limiter.refusal('10.0.0.2')).toBeUndefined();
    now += 30_000; // two per minute: one failure ages out every 30 s
    expect(limiter.refusal('10.0.0.1')).toBeUndefined();
  });

  it('is off at 0', () => {
    const limiter = new AuthFailureLimiter(0);
    for (let i = 0; i < 100; i++) limiter.failed('10.0.0.1');
    expect(limiter.refusal('10.0.0.1')).toBeUndefined();
  });
});

describe('wrong API keys per client address (AUTH_FAILURES_PER_MINUTE)', () => {
  let server: TestServer;
  const sockets: RawConnection[] = [];
  beforeAll(async () => {
    // Three wrong keys, then one more every 20 s: no failure ages out while the test runs.
    server = await startTestServer('authfailures', { AUTH_FAILURES_PER_MINUTE: '3' });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await server?.close();
  });

  const query = (headers: Record<string, string>) =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ detectors { name } }' }) });
  const wrong = { authorization: 'Bearer nsk_this-key-was-never-issued-0000' };

  it('answers 401 to wrong keys, then 429 to every request from that address before any key is looked up', async () => {
    // Requests without a key are clients not yet configured: they do not count.
    for (let i = 0; i < 5; i++) expect((await query({})).status).toBe(401);
    expect((await query(server.authHeaders())).status).toBe(200);

    for (let i = 0; i < 3; i++) expect((await query(wrong)).status).toBe(401);
    const refused = await query(wrong);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { errors: { extensions: { code: string; retryAfterMs: number } }[] };
    expect(body.errors.map((e) => e.extensions)).toEqual([{ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) }]);
    // The address is held back whatever it sends, on every route and transport.
    expect((await query(server.authHeaders())).status).toBe(429);
    const rest = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...server.authHeaders() }, body: '[]' });
    expect(rest.status).toBe(429);
    expect(await rest.json()).toEqual({ error: expect.objectContaining({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) }) });

    const conn = await openRaw(server.url);
    sockets.push(conn);
    conn.send({ type: 'connection_init', payload: server.authHeaders() });
    await conn.settle();
    expect(conn.closed).toEqual({ code: 4429, reason: 'RATE_LIMITED' });
    // Health checks need no key and stay open.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('wrong API keys over WebSocket count too', () => {
  let server: TestServer;
  const sockets: RawConnection[] = [];
  beforeAll(async () => {
    server = await startTestServer('authfailuresws', { AUTH_FAILURES_PER_MINUTE: '2' });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await server?.close();
  });

  async function connect(payload: Record<string, unknown>): Promise<RawConnection> {
    const conn = await openRaw(server.url);
    sockets.push(conn);
    conn.send({ type: 'connection_init', payload });
    await conn.settle();
    return conn;
  }

  it('closes 4403 for each wrong key, then refuses the address on HTTP as well', async () => {
    // A connection without any key is refused but not counted.
    expect((await connect({})).closed).toEqual({ code: 4403, reason: 'UNAUTHENTICATED' });
    for (let i = 0; i < 2; i++) expect((await connect({ apiKey: 'nsk_this-key-was-never-issued-0000' })).closed).toEqual({ code: 4403, reason: 'UNAUTHENTICATED' });
    expect((await connect(server.authHeaders())).closed).toEqual({ code: 4429, reason: 'RATE_LIMITED' });
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...server.authHeaders() },
      body: JSON.stringify({ query: '{ detectors { name } }' }),
    });
    expect(res.status).toBe(429);
  });
});
