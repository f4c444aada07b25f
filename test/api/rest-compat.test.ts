import { startTestServer, type TestServer } from '../helpers/test-server';

/** The exact body of the seed tool's README curl example. */
const README_BODY = '[{"src_ip": "192.168.0.1", "dest_ip": "192.168.0.2", "src_port": 1234, "dest_port": 80, "protocol": "TCP", "packet_size": 100}]';
const ATTACK = { src_ip: '203.0.113.66', dest_ip: '192.168.0.2', src_port: 31337, dest_port: 4444, protocol: 'TCP', packet_size: 65000 };

describe('seed-compatible REST API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('rest');
  }, 120_000);
  afterAll(() => server?.close());

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': contentType, ...server.authHeaders() }, body });

  it('GET / answers with a JSON welcome naming the API and dashboard', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(body.message).toMatch(/netsentinel/i);
    expect(body).toMatchObject({ graphql: '/graphql', dashboard: '/dashboard' });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('scores the old README example as normal', async () => {
    const res = await post(README_BODY);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { prediction: number[]; score: number[] };
    expect(body.prediction).toEqual([1]);
    expect(body.score[0]).toBeGreaterThanOrEqual(0);
    expect(body.score[0]).toBeLessThan(0.5);
  });

  it('flags an inbound oversized packet to a backdoor port as an anomaly, in input order', async () => {
    const res = await post(JSON.stringify([JSON.parse(README_BODY)[0], ATTACK]));
    const body = (await res.json()) as { prediction: number[]; score: number[] };
    expect(body.prediction).toEqual([1, -1]);
    expect(body.score[1]).toBeGreaterThanOrEqual(0.5);
    expect(body.score[1]).toBeLessThanOrEqual(1);
  });

  it.each([
    ['not JSON', '{oops'],
    ['not an array', '{"src_ip": "1.2.3.4"}'],
    ['a record missing a field', '[{"src_ip": "1.2.3.4"}]'],
    ['a bad address', JSON.stringify([{ ...ATTACK, src_ip: '999.1.1.1' }])],
    ['a bad port', JSON.stringify([{ ...ATTACK, dest_port: 'http' }])],
    ['a non-object record', '[42]'],
  ])('answers %s with HTTP 400 and a coded JSON error', async (_name, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('BAD_USER_INPUT');
    expect(json.error.message.length).toBeGreaterThan(0);
  });

  it('names the failing record and field', async () => {
    const res = await post(JSON.stringify([ATTACK, { ...ATTACK, src_port: 70000 }]));
    const json = (await res.json()) as { error: Record<string, unknown> };
    expect(json.error).toMatchObject({ code: 'BAD_USER_INPUT', index: 1, field: 'srcPort' });
  });

  it('answers an unknown route with a JSON 404 and keeps serving', async () => {
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect((await post(README_BODY)).status).toBe(200);
  });

  it('has liveness and readiness endpoints', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'ok' });
  });
});
