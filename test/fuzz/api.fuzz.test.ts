import fc from 'fast-check';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { openRaw, type WsMessage } from '../limits/raw-ws';
import { contentEncoding, contentType, graphqlCase, restBody, wsFrame, wsOperationFrame, type GraphQLCase } from './arbitraries';

/**
 * Property-based fuzzing of every way in: REST `POST /predict`, GraphQL over HTTP
 * and graphql-ws. Whatever arrives, the server answers below 500, every error it
 * sends carries a code (and never the masked INTERNAL_SERVER_ERROR, which means
 * a bug), and it still answers /healthz afterwards. Fixed seeds keep runs
 * reproducible; a failure prints the seed and the shrunk counterexample.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
/** FUZZ_SEED=… FUZZ_SCALE=10 explore further than the modest default run counts. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.round(n * SCALE);
const TIMEOUT_MS = 60_000 * SCALE;

/** Close codes that mean the server failed rather than refused: internal error, or a socket dropped without a close frame. */
const SERVER_FAILURE_CLOSES = new Set([1006, 1011, 4500]);

describe('fuzz: never a 5xx, never a crash, every error coded', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Rate limiting off: the inputs are under test here, not the pace (test/limits covers that).
    server = await startTestServer('fuzz', { RATE_LIMIT_PER_SECOND: '0', MAX_BODY_BYTES: '65536' });
    const created = await server.graphql('mutation { upsertProfile(input: { name: "fuzz-empty", kind: PACKET }) { name } }');
    expect(created.errors).toBeUndefined();
  }, 120_000);
  afterAll(() => server?.close());

  async function expectAlive() {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
  }

  /** Every GraphQL error has a string code that is not the masked internal one. */
  function expectCodedGraphQLErrors(errors: unknown, context: unknown) {
    if (errors === undefined) return;
    expect(Array.isArray(errors)).toBe(true);
    for (const error of errors as { extensions?: { code?: unknown } }[]) {
      const code = error.extensions?.code;
      if (typeof code !== 'string' || code === 'INTERNAL_SERVER_ERROR') {
        throw new Error(`uncoded or internal error ${JSON.stringify(error)} for ${JSON.stringify(context).slice(0, 1000)}`);
      }
    }
  }

  it('REST POST /predict: any bytes, content type and encoding', async () => {
    await fc.assert(
      fc.asyncProperty(restBody, contentType, contentEncoding, async (body, type, encoding) => {
        const headers: Record<string, string> = { ...server.authHeaders() };
        if (type !== undefined) headers['content-type'] = type;
        if (encoding !== undefined) headers['content-encoding'] = encoding;
        const res = await fetch(`${server.url}/predict`, { method: 'POST', headers, body });
        const text = await res.text();
        const context = { status: res.status, type, encoding, body: body.toString('latin1').slice(0, 300), answer: text.slice(0, 300) };
        if (res.status >= 500) throw new Error(`5xx: ${JSON.stringify(context)}`);
        const json = JSON.parse(text) as { prediction?: number[]; score?: number[]; error?: { code?: unknown } };
        if (res.status === 200) {
          expect(json.prediction?.length).toBe(json.score?.length);
        } else if (typeof json.error?.code !== 'string' || json.error.code === 'INTERNAL_SERVER_ERROR') {
          throw new Error(`uncoded error: ${JSON.stringify(context)}`);
        }
      }),
      { seed: SEED, numRuns: runs(100) },
    );
    await expectAlive();
  }, TIMEOUT_MS);

  it('GraphQL over HTTP: predict, upsertProfile, trainModel, anomalies with any variables, and any query text', async () => {
    await fc.assert(
      fc.asyncProperty(graphqlCase, async (operation: GraphQLCase) => {
        const res = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...server.authHeaders() },
          body: JSON.stringify(operation),
        });
        const text = await res.text();
        if (res.status >= 500) throw new Error(`5xx ${res.status}: ${text.slice(0, 500)} for ${JSON.stringify(operation).slice(0, 1000)}`);
        const json = JSON.parse(text) as { errors?: unknown };
        expectCodedGraphQLErrors(json.errors, operation);
      }),
      { seed: SEED, numRuns: runs(150) },
    );
    await expectAlive();
  }, TIMEOUT_MS);

  it('GraphQL over HTTP: any bytes, content type and encoding', async () => {
    await fc.assert(
      fc.asyncProperty(restBody, contentType, contentEncoding, async (body, type, encoding) => {
        const headers: Record<string, string> = { ...server.authHeaders() };
        if (type !== undefined) headers['content-type'] = type;
        if (encoding !== undefined) headers['content-encoding'] = encoding;
        const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body });
        const text = await res.text();
        const context = { status: res.status, type, encoding, body: body.toString('latin1').slice(0, 300), answer: text.slice(0, 300) };
        if (res.status >= 500) throw new Error(`5xx: ${JSON.stringify(context)}`);
        const json = JSON.parse(text) as { errors?: unknown };
        if (res.status !== 200) expect(json.errors).toBeDefined();
        expectCodedGraphQLErrors(json.errors, context);
      }),
      { seed: SEED, numRuns: runs(80) },
    );
    await expectAlive();
  }, TIMEOUT_MS);

  it('GraphQL over HTTP: any JSON as the request body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        const res = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...server.authHeaders() },
          body: JSON.stringify(body) ?? 'null',
        });
        const text = await res.text();
        if (res.status >= 500) throw new Error(`5xx ${res.status}: ${text.slice(0, 500)} for ${JSON.stringify(body).slice(0, 500)}`);
        expectCodedGraphQLErrors((JSON.parse(text) as { errors?: unknown }).errors, body);
      }),
      { seed: SEED, numRuns: runs(60) },
    );
    await expectAlive();
  }, TIMEOUT_MS);

  /** Opens a socket, optionally acknowledged, sends the frames and checks everything the server answered. */
  async function wsRun(init: boolean, frames: (string | Buffer)[]) {
    const conn = await openRaw(server.url);
    try {
      if (init) {
        // Before the ack graphql-ws closes on any operation (4401): wait, so the frames reach the operations.
        conn.send({ type: 'connection_init', payload: server.authHeaders() });
        await conn.waitFor((m) => m.type === 'connection_ack');
      }
      for (const frame of frames) conn.send(frame);
      await conn.settle(100);
      const context = { init, frames: frames.map(String), closed: conn.closed, got: conn.messages };
      if (conn.closed && SERVER_FAILURE_CLOSES.has(conn.closed.code)) throw new Error(`server failure close: ${JSON.stringify(context).slice(0, 1500)}`);
      expect(conn.junk).toEqual([]);
      for (const message of conn.messages as WsMessage[]) {
        if (message.type === 'error') expectCodedGraphQLErrors(message.payload, context);
        if (message.type === 'next') expectCodedGraphQLErrors((message.payload as { errors?: unknown }).errors, context);
      }
    } finally {
      await conn.close();
    }
  }

  it('WebSocket: operations with any query and variables, completes and pings on an acknowledged connection', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(wsOperationFrame, { minLength: 1, maxLength: 6 }), (frames) => wsRun(true, frames)),
      { seed: SEED, numRuns: runs(50) },
    );
    await expectAlive();
  }, TIMEOUT_MS);

  it('WebSocket: any frames, after an authenticated init or instead of one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(wsFrame, { minLength: 1, maxLength: 6 }), (init, frames) => wsRun(init, frames)),
      { seed: SEED, numRuns: runs(40) },
    );
    await expectAlive();
  }, TIMEOUT_MS);

  describe('findings, pinned (each once answered 500 or closed the socket with 4500)', () => {
    const post = (body: unknown) =>
      fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...server.authHeaders() }, body: JSON.stringify(body) });

    it('an operationName that names no operation of the document is a 400, not a 500', async () => {
      for (const operationName of ['', 'Nope']) {
        const res = await post({ query: '{ __typename }', operationName });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
      }
    });

    it('a subscription sent over HTTP is refused with 400 BAD_REQUEST (it needs the WebSocket)', async () => {
      const res = await post({ query: 'subscription { anomalyDetected { id } }' });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(body.errors[0].message).toMatch(/WebSocket/);
    });

    it('a client sending a server-only message (connection_ack) is closed with 4400, not 4500', async () => {
      const conn = await openRaw(server.url);
      conn.send({ type: 'connection_init', payload: server.authHeaders() });
      await conn.waitFor((m) => m.type === 'connection_ack');
      conn.send({ type: 'connection_ack' });
      await conn.settle(100);
      expect(conn.closed?.code).toBe(4400);
    });

    it('a WebSocket operation that does not parse, validate or coerce gets a coded error and the socket stays open', async () => {
      const conn = await openRaw(server.url);
      conn.send({ type: 'connection_init', payload: server.authHeaders() });
      await conn.waitFor((m) => m.type === 'connection_ack');
      conn.send({ id: 'parse', type: 'subscribe', payload: { query: 'subscription {' } });
      conn.send({ id: 'validate', type: 'subscribe', payload: { query: 'subscription { nope }' } });
      conn.send({ id: 'coerce', type: 'subscribe', payload: { query: 'subscription($m: Float) { anomalyDetected(minScore: $m) { id } }', variables: { m: 'high' } } });
      conn.send({ id: 'operation', type: 'subscribe', payload: { query: 'query A { __typename } query B { __typename }' } });
      const codes = async (id: string) => {
        const message = await conn.waitFor((m) => m.id === id);
        expect(message.type).toBe('error');
        return (message.payload as { extensions: { code: string } }[]).map((e) => e.extensions.code);
      };
      expect(await codes('parse')).toEqual(['GRAPHQL_PARSE_FAILED']);
      expect(await codes('validate')).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(await codes('coerce')).toEqual(['BAD_USER_INPUT']);
      expect(await codes('operation')).toEqual(['OPERATION_RESOLUTION_FAILURE']);
      expect(conn.closed).toBeUndefined();
      await conn.close();
    });
  });
});
