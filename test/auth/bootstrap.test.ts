import { startTestServer, type TestServer } from '../helpers/test-server';

/** The bootstrap key comes from ADMIN_API_KEY; changing the variable replaces it. AUTH=off needs no key at all. */
describe('bootstrap key and AUTH=off', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('rotates the root key when ADMIN_API_KEY changes', async () => {
    server = await startTestServer('auth-boot');
    const { database } = server;
    await server.stop();
    const rotated = 'nsk_rotated-admin-key-abcdefghijklmnop';
    // Same database, new variable: the old key stops working, the new one is root.
    server = await startTestServer('auth-boot', { DATABASE_URL: database.url, ADMIN_API_KEY: rotated });
    expect((await server.graphql('{ viewer { root } }')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await server.graphql('{ viewer { root } }', {}, { key: rotated })).data).toEqual({ viewer: { root: true } });
    await database.drop();
  }, 180_000);

  it('with AUTH=off, answers without a key as the default site', async () => {
    server = await startTestServer('auth-off', { AUTH: 'off' });
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { site root keyId } }' }),
    });
    expect(await res.json()).toEqual({ data: { viewer: { site: 'default', root: true, keyId: null } } });
  }, 180_000);
});
