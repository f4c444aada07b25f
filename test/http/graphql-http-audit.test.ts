import { serverAudits } from 'graphql-http';
import { startTestServer, type TestServer } from '../helpers/test-server';

/**
 * The GraphQL over HTTP spec's audit suite (graphql-http's serverAudits) against
 * /graphql, with an API key on every request. Every MUST has to pass. The
 * SHOULD/MAY audits that fail are pinned below with the reason, so a change in
 * either direction shows up here.
 */
const KNOWN_NOT_OK: Record<string, string> = {
  // Apollo answers a request error (unparsable document, invalid document, bad variables) with
  // 400 whatever the Accept header; the spec suggests 200 to clients that accept only
  // application/json (legacy ones). 400 is what our clients and tests rely on, and the
  // application/graphql-response+json variants of these audits (556A, 74FF, 86EE) pass.
  '572B': 'SHOULD use 200 status code on document parsing failure when accepting application/json',
  FDE2: 'SHOULD use 200 status code on document validation failure when accepting application/json',
  '7B9B': 'SHOULD use a status code of 200 on variable coercion failure when accepting application/json',
  // Apollo's CSRF prevention refuses a GET without a Content-Type or a preflight header
  // (apollo-require-preflight): a browser could be made to send such a GET from any site.
  '5A70': 'MAY accept application/x-www-form-urlencoded formatted GET requests',
  D6D5: 'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json',
  '6A70': 'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json',
};

describe('GraphQL over HTTP spec audit (graphql-http)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('http_audit');
  }, 120_000);
  afterAll(() => server?.close());

  const withKey: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', server.authHeaders().authorization);
    return fetch(input, { ...init, headers });
  };
  const audits = serverAudits({ url: () => `${server.url}/graphql`, fetchFn: withKey });

  it.each(audits.filter((a) => a.name.startsWith('MUST')).map((a) => [a.id, a.name, a] as const))('%s %s', async (_id, _name, audit) => {
    const result = await audit.fn();
    expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
  });

  it('passes every SHOULD and MAY audit except the known ones', async () => {
    const notOk: Record<string, string> = {};
    for (const audit of audits.filter((a) => !a.name.startsWith('MUST'))) {
      const result = await audit.fn();
      if (result.status !== 'ok') notOk[audit.id] = audit.name;
    }
    expect(notOk).toEqual(KNOWN_NOT_OK);
  });
});
