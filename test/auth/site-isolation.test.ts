import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { connectLive, subscribe, until } from '../live/helpers/live-client';

/**
 * Two sites on one server: `default` (the root key's) and `branch` (its own
 * admin key). Every operation of one site must miss the other's objects —
 * "not found", never data — and every key may only do what its scopes say.
 */
const attack = { srcIp: '203.0.113.66', destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };
const PREDICT = 'mutation($p: String!, $r: [TrafficRecordInput!]!) { predict(profile: $p, records: $r) { isAnomaly anomalyId } }';
const CREATE_KEY = 'mutation($site: String!, $scopes: [Scope!]!) { createApiKey(site: $site, scopes: $scopes, name: "test") { id key site scopes prefix } }';
const ANOMALIES = 'subscription { anomalyDetected { id profile } }';

interface Key {
  id: string;
  key: string;
}

describe('API keys and site isolation', () => {
  let server: TestServer;
  let branch: Key;
  let readOnly: Key;
  let writeOnly: Key;
  let defaultJobId: string;
  let defaultModelId: string;
  let defaultKeyId: string;

  const code = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.code;
  const as = (key: Key) => ({ key: key.key });

  beforeAll(async () => {
    server = await startTestServer('auth');
    expect((await server.graphql('mutation { createSite(name: "branch") { name } }')).data).toEqual({ createSite: { name: 'branch' } });
    const created = async (site: string, scopes: string[]) => {
      const r = await server.graphql<{ createApiKey: Key & { site: string; scopes: string[]; prefix: string } }>(CREATE_KEY, { site, scopes });
      expect(r.errors).toBeUndefined();
      expect(r.data!.createApiKey).toMatchObject({ site, scopes });
      expect(r.data!.createApiKey.key.startsWith(r.data!.createApiKey.prefix)).toBe(true);
      return r.data!.createApiKey;
    };
    branch = await created('branch', ['READ', 'WRITE', 'ADMIN']);
    readOnly = await created('default', ['READ']);
    writeOnly = await created('default', ['WRITE']);
    defaultKeyId = readOnly.id;
    const jobs = await server.graphql<{ trainingJobs: { nodes: { id: string }[] } }>('{ trainingJobs(profile: "default") { nodes { id } } }');
    defaultJobId = jobs.data!.trainingJobs.nodes[0].id;
    const models = await server.graphql<{ models: { id: string }[] }>('{ models(profile: "default") { id } }');
    defaultModelId = models.data!.models[0].id;
  }, 180_000);
  afterAll(() => server?.close());

  describe('authentication', () => {
    it.each([
      ['no Authorization header', {}],
      ['a wrong key', { authorization: 'Bearer nsk_not-a-real-key-000000000000' }],
      ['another scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
    ])('refuses %s with 401 UNAUTHENTICATED on GraphQL and REST', async (_name, headers: Record<string, string>) => {
      const gql = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ profiles { name } }' }),
      });
      expect(gql.status).toBe(401);
      expect(gql.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(code((await gql.json()) as { errors: { extensions: Record<string, unknown> }[] })).toBe('UNAUTHENTICATED');
      const rest = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '[]' });
      expect(rest.status).toBe(401);
      expect(((await rest.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    });

    it('closes a WebSocket without a valid key with 4403 UNAUTHENTICATED', async () => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer nsk_wrong-000000000000000000' } }));
      const [closeCode, reason] = await new Promise<[number, string]>((resolve) => ws.once('close', (c, r) => resolve([c, String(r)])));
      expect(closeCode).toBe(4403);
      expect(reason).toBe('UNAUTHENTICATED');
    });

    it('keeps the health endpoints and static pages open', async () => {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/`)).status).toBe(200);
    });

    it('stops a revoked key at once, and tells who a key is', async () => {
      const extra = (await server.graphql<{ createApiKey: Key }>(CREATE_KEY, { site: 'default', scopes: ['READ'] })).data!.createApiKey;
      expect((await server.graphql('{ viewer { site scopes root } }', {}, as(extra))).data).toEqual({
        viewer: { site: 'default', scopes: ['READ'], root: false },
      });
      const revoked = await server.graphql<{ revokeApiKey: { revokedAt: string | null } }>('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: extra.id });
      expect(revoked.data!.revokeApiKey.revokedAt).not.toBeNull();
      expect(code(await server.graphql('{ viewer { site } }', {}, as(extra)))).toBe('UNAUTHENTICATED');
    });
  });

  describe('scopes', () => {
    it('lets a READ key query but not change anything', async () => {
      expect((await server.graphql('{ profiles { name } }', {}, as(readOnly))).errors).toBeUndefined();
      expect(code(await server.graphql(PREDICT, { p: 'default', r: [attack] }, as(readOnly)))).toBe('FORBIDDEN');
      expect(code(await server.graphql('mutation { upsertProfile(input: { name: "x" }) { name } }', {}, as(readOnly)))).toBe('FORBIDDEN');
      expect(code(await server.graphql('mutation { trainModel(input: { profile: "default" }) { id } }', {}, as(readOnly)))).toBe('FORBIDDEN');
      const rest = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...server.authHeaders(readOnly.key) }, body: '[]' });
      expect(rest.status).toBe(403);
    });

    it('lets a WRITE key predict but not read stored data', async () => {
      expect((await server.graphql(PREDICT, { p: 'default', r: [attack] }, as(writeOnly))).errors).toBeUndefined();
      expect(code(await server.graphql('{ anomalies { nodes { id } } }', {}, as(writeOnly)))).toBe('FORBIDDEN');
    });

    it('keeps key management and captures for ADMIN keys, and sites for the root key', async () => {
      expect(code(await server.graphql(CREATE_KEY, { site: 'default', scopes: ['ADMIN'] }, as(writeOnly)))).toBe('FORBIDDEN');
      expect(code(await server.graphql('{ apiKeys { id } }', {}, as(readOnly)))).toBe('FORBIDDEN');
      expect(code(await server.graphql('mutation { startCapture(interface: "lo", profile: "default") { state } }', {}, as(writeOnly)))).toBe('FORBIDDEN');
      expect(code(await server.graphql('mutation { createSite(name: "mine") { id } }', {}, as(branch)))).toBe('FORBIDDEN');
      expect((await fetch(`${server.url}/metrics`, { headers: server.authHeaders(branch.key) })).status).toBe(403);
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${server.url}/metrics`, { headers: server.authHeaders() })).status).toBe(200);
    });
  });

  describe('another site', () => {
    beforeAll(async () => {
      const made = await server.graphql('mutation { upsertProfile(input: { name: "home", contamination: 0.05 }) { name site } }', {}, as(branch));
      expect(made.data).toEqual({ upsertProfile: { name: 'home', site: 'branch' } });
      expect((await server.graphql(PREDICT, { p: 'default', r: [attack] })).data).toBeDefined();
    });

    it('sees only its own profiles, site and keys', async () => {
      expect((await server.graphql('{ profiles { name } }', {}, as(branch))).data).toEqual({ profiles: [{ name: 'home' }] });
      expect((await server.graphql('{ profile(name: "default") { name } }', {}, as(branch))).data).toEqual({ profile: null });
      expect((await server.graphql('{ sites { name } }', {}, as(branch))).data).toEqual({ sites: [{ name: 'branch' }] });
      const keys = await server.graphql<{ apiKeys: { site: string }[] }>('{ apiKeys { site } }', {}, as(branch));
      expect(keys.data!.apiKeys.map((k) => k.site)).toEqual(['branch']);
      expect(code(await server.graphql('{ apiKeys(site: "default") { id } }', {}, as(branch)))).toBe('SITE_NOT_FOUND');
      expect(code(await server.graphql(CREATE_KEY, { site: 'default', scopes: ['ADMIN'] }, as(branch)))).toBe('SITE_NOT_FOUND');
      expect(code(await server.graphql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: defaultKeyId }, as(branch)))).toBe('NOT_FOUND');
      const root = await server.graphql<{ profiles: { name: string }[] }>('{ profiles { name } }');
      expect(root.data!.profiles.map((p) => p.name)).not.toContain('home');
    });

    it("cannot read, score into, train, activate or delete the other site's objects", async () => {
      const b = as(branch);
      expect(code(await server.graphql(PREDICT, { p: 'default', r: [attack] }, b))).toBe('PROFILE_NOT_FOUND');
      expect(code(await server.graphql('{ models(profile: "default") { id } }', {}, b))).toBe('PROFILE_NOT_FOUND');
      expect(code(await server.graphql('{ trainingJobs(profile: "default") { nodes { id } } }', {}, b))).toBe('PROFILE_NOT_FOUND');
      expect(code(await server.graphql('mutation { trainModel(input: { profile: "default" }) { id } }', {}, b))).toBe('PROFILE_NOT_FOUND');
      expect(code(await server.graphql('{ anomalies(filter: { profile: "default" }) { nodes { id } } }', {}, b))).toBe('PROFILE_NOT_FOUND');
      expect(code(await server.graphql('mutation { deleteProfile(name: "default") }', {}, b))).toBe('PROFILE_NOT_FOUND');
      expect(code(await server.graphql('query($id: ID!) { trainingJob(id: $id) { id } }', { id: defaultJobId }, b))).toBe('JOB_NOT_FOUND');
      expect(code(await server.graphql('mutation($id: ID!) { cancelTrainingJob(id: $id) { id } }', { id: defaultJobId }, b))).toBe('JOB_NOT_FOUND');
      expect(code(await server.graphql('mutation($id: ID!) { activateModel(id: $id) { id } }', { id: defaultModelId }, b))).toBe('MODEL_NOT_FOUND');
      // The profile is looked up in the caller's site before tcpdump is ever started.
      expect(code(await server.graphql('mutation { startCapture(interface: "lo", profile: "default") { state } }', {}, b))).toBe('PROFILE_NOT_FOUND');
      expect(code(await server.graphql('mutation { stopCapture(interface: "lo") { state } }', {}, b))).toBe('CAPTURE_NOT_RUNNING');
      expect((await server.graphql('{ captureStatus { interface } }', {}, b)).data).toEqual({ captureStatus: [] });
      // The seed REST endpoint scores into the caller's own site's `default` profile, which the branch has not made.
      const rest = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...server.authHeaders(branch.key) }, body: '[]' });
      expect(rest.status).toBe(404);
    });

    it("counts none of the other site's anomalies", async () => {
      const mine = await server.graphql<{ anomalies: { nodes: unknown[] } }>('{ anomalies { nodes { id } } }', {}, as(branch));
      expect(mine.data!.anomalies.nodes).toEqual([]);
      const since = new Date(Date.now() - 3600_000).toISOString();
      const stats = await server.graphql<{ anomalyStats: { total: number; topHosts: unknown[] } }>(
        'query($s: DateTimeISO!) { anomalyStats(since: $s) { total topHosts { host } } }',
        { s: since },
        as(branch),
      );
      expect(stats.data!.anomalyStats).toEqual({ total: 0, topHosts: [] });
      const theirs = await server.graphql<{ anomalyStats: { total: number } }>('query($s: DateTimeISO!) { anomalyStats(since: $s) { total } }', { s: since });
      expect(theirs.data!.anomalyStats.total).toBeGreaterThan(0);
    });

    it('a same-named profile is its own: creating "default" in the branch leaves the default site\'s alone', async () => {
      await server.graphql('mutation { upsertProfile(input: { name: "default", contamination: 0.2 }) { name } }', {}, as(branch));
      const theirs = await server.graphql<{ profile: { contamination: number; site: string } }>('{ profile(name: "default") { contamination site } }');
      expect(theirs.data!.profile).toEqual({ contamination: 0.01, site: 'default' });
      expect(code(await server.graphql('mutation { deleteProfile(name: "default") }', {}, as(branch)))).toBeUndefined();
    });

    describe('subscriptions', () => {
      let branchClient: Client;
      let rootClient: Client;
      beforeAll(() => {
        branchClient = connectLive(server.url, branch.key);
        rootClient = connectLive(server.url);
      });
      afterAll(async () => {
        await branchClient?.dispose();
        await rootClient?.dispose();
      });

      it("never deliver the other site's anomalies", async () => {
        const before = server.services.events.stats().active;
        const theirs = subscribe<{ anomalyDetected: { id: string } }>(branchClient, ANOMALIES);
        const mine = subscribe<{ anomalyDetected: { id: string } }>(rootClient, ANOMALIES);
        await until(() => server.services.events.stats().active === before + 2, 'two subscriptions');
        const r = await server.graphql<{ predict: { anomalyId: string }[] }>(PREDICT, { p: 'default', r: [attack] });
        const id = r.data!.predict[0].anomalyId;
        await mine.waitFor((x) => x.data?.anomalyDetected.id === id);
        // The root client's copy arrived; the branch's would have come through the same bus by now.
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(theirs.results).toEqual([]);
        theirs.stop();
        mine.stop();
      });

      it("refuse to follow the other site's training job or profile", async () => {
        const job = subscribe(branchClient, 'subscription($id: ID!) { trainingProgress(jobId: $id) { state } }', { id: defaultJobId });
        await job.done;
        expect(job.results[0].errors?.[0].extensions?.code).toBe('JOB_NOT_FOUND');
        const models = subscribe(branchClient, 'subscription { modelActivated(profile: "default") { id } }');
        await models.done;
        expect(models.results[0].errors?.[0].extensions?.code).toBe('PROFILE_NOT_FOUND');
      });

      it('end when their key is revoked', async () => {
        const reader = (await server.graphql<{ createApiKey: Key }>(CREATE_KEY, { site: 'default', scopes: ['READ'] })).data!.createApiKey;
        const ws = new WebSocket(`${server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
        await new Promise((resolve) => ws.once('open', resolve));
        ws.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: reader.key } }));
        await new Promise((resolve) => ws.once('message', resolve));
        const closed = new Promise<[number, string]>((resolve) => ws.once('close', (c, r) => resolve([c, String(r)])));
        await server.graphql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: reader.id });
        expect(await closed).toEqual([4403, 'UNAUTHENTICATED']);
      });

      it('need the READ scope', async () => {
        const writer = connectLive(server.url, writeOnly.key);
        try {
          const sub = subscribe(writer, ANOMALIES);
          await sub.done;
          expect(sub.results[0].errors?.[0].extensions?.code).toBe('FORBIDDEN');
        } finally {
          await writer.dispose();
        }
      });
    });
  });
});
