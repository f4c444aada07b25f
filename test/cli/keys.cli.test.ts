import { loadConfig } from '../../src/config/config';
import { createServices } from '../../src/app/services';
import { createLogger } from '../../src/logger';
import { netsentinel } from '../helpers/cli-runner';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

/** `netsentinel keys`: the operator's way back in when every admin key is lost. */
describe('netsentinel keys', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('cli-keys');
  });
  afterAll(() => db?.drop());

  const authenticate = async (key: string) => {
    const services = await createServices(loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' }), createLogger('silent'));
    try {
      return await services.auth.authenticate(`Bearer ${key}`);
    } finally {
      await services.close();
    }
  };

  it('creates a key shown once, lists it without the secret, and revokes it', async () => {
    const created = await netsentinel(['keys', 'create', '--site', 'default', '--scopes', 'read,admin', '--name', 'ops'], db.url);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^nsk_[A-Za-z0-9_-]{32}$/);
    expect(await authenticate(key)).toMatchObject({ siteName: 'default', scopes: ['read', 'admin'], root: false });

    const listed = await netsentinel(['keys', 'list'], db.url);
    expect(listed.stdout).toContain(`${key.slice(0, 12)}…  read,admin    active  ops`);
    expect(listed.stdout).not.toContain(key);

    const id = /^(\S+)/.exec(listed.stdout)![1];
    expect((await netsentinel(['keys', 'revoke', id], db.url)).code).toBe(0);
    await expect(authenticate(key)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  }, 120_000);

  it('refuses unknown scopes, sites and actions', async () => {
    const scope = await netsentinel(['keys', 'create', '--site', 'default', '--scopes', 'read,root'], db.url);
    expect(scope.code).toBe(1);
    expect(scope.stderr).toMatch(/BAD_USER_INPUT: --scopes: "root" is not one of read, write, admin/);
    expect((await netsentinel(['keys', 'create', '--site', 'nowhere', '--scopes', 'read'], db.url)).stderr).toMatch(/SITE_NOT_FOUND/);
    expect((await netsentinel(['keys', 'rotate'], db.url)).stderr).toMatch(/BAD_USER_INPUT: unknown or missing action "rotate"/);
  }, 120_000);
});
