import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { until } from '../live/helpers/live-client';
import {
  browserAvailable,
  buildTestAssets,
  dashboardLink,
  launchChromium,
  screenshot,
  storedApiKey,
  watchForeignRequests,
} from './helpers/browser';

const PREDICT = `mutation($records: [TrafficRecordInput!]!) { predict(records: $records) { isAnomaly anomalyId } }`;
const attack = { srcIp: '203.0.113.99', destIp: '192.168.0.7', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };

(browserAvailable() ? describe : describe.skip)('dashboard in a browser', () => {
  let assets: Awaited<ReturnType<typeof buildTestAssets>>;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let foreign: string[];

  beforeAll(async () => {
    assets = await buildTestAssets();
    server = await startTestServer('dashboard', { ASSETS_DIR: assets.dir });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await assets?.remove();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Fail at the step that went wrong, well inside the test's own timeout.
    page.setDefaultTimeout(15_000);
    foreign = watchForeignRequests(page, server.url);
  });
  afterEach(async () => {
    await page.close();
    expect(foreign).toEqual([]);
  });

  /**
   * Opens the dashboard through a sign-in link with the admin key and waits until
   * its live subscriptions are registered on the server.
   */
  async function openDashboard(query = '', key = server.adminKey): Promise<void> {
    const before = server.services.events.stats().active;
    await page.goto(dashboardLink(server.url, key, query));
    await page.locator('[data-testid=connection][data-state=live]').waitFor();
    // The key went from the address to storage.
    expect(page.url()).not.toContain('key=');
    await expect(storedApiKey(page)).resolves.toBe(key);
    // The anomaly feed and the models panel each hold one subscription.
    await until(() => server.services.events.stats().active >= before + 2, 'the dashboard subscriptions');
  }

  /** Every WebSocket the page opens and every GraphQL request body it sends. */
  function watchTraffic(): { sockets: string[]; graphql: string[] } {
    const seen = { sockets: [] as string[], graphql: [] as string[] };
    page.on('websocket', (ws) => seen.sockets.push(ws.url()));
    page.on('request', (req) => {
      if (new URL(req.url()).pathname === '/graphql' && req.method() === 'POST') seen.graphql.push(req.postData() ?? '');
    });
    return seen;
  }

  it('asks for a key, signs in with the typed admin key, shows the site, and signs out', async () => {
    const traffic = watchTraffic();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/dashboard`);
    const panel = page.getByTestId('sign-in');
    await panel.waitFor();
    const input = panel.getByLabel('API key');
    await expect(input.getAttribute('type')).resolves.toBe('password');
    // Nothing but the question "who am I?" went to the server, and no socket was opened.
    expect(traffic.sockets).toEqual([]);
    expect(traffic.graphql.length).toBeGreaterThan(0);
    expect(traffic.graphql.every((body) => body.includes('viewer'))).toBe(true);
    await expect(page.getByTestId('anomaly-feed').count()).resolves.toBe(0);
    await screenshot(page, 'dashboard-sign-in-phone.png');

    await input.pressSequentially(server.adminKey);
    const before = server.services.events.stats().active;
    await panel.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-testid=connection][data-state=live]').waitFor();
    await until(() => server.services.events.stats().active >= before + 2, 'the dashboard subscriptions');
    await expect(page.getByTestId('site').innerText()).resolves.toMatch(/\bdefault\b/);
    await expect(storedApiKey(page)).resolves.toBe(server.adminKey);
    await page.getByTestId('profile-form').waitFor();
    await expect(page.locator('[role=alert]').count()).resolves.toBe(0);
    await screenshot(page, 'dashboard-signed-in-phone.png');

    // The key is kept: a reload goes straight to the dashboard.
    await page.reload();
    await page.locator('[data-testid=connection][data-state=live]').waitFor();
    await expect(page.getByTestId('sign-in').count()).resolves.toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-in').waitFor();
    await expect(storedApiKey(page)).resolves.toBeNull();
    await expect(page.getByTestId('anomaly-feed').count()).resolves.toBe(0);
    // Signing out ends the page's subscriptions too: the server is back to what it had before the sign-in.
    await until(() => server.services.events.stats().active <= before, 'the subscriptions to end');
  });

  it('shows a wrong key inline, keeps nothing and loads nothing else', async () => {
    const traffic = watchTraffic();
    await page.goto(`${server.url}/dashboard`);
    const panel = page.getByTestId('sign-in');
    const input = panel.getByLabel('API key');
    await input.fill('nsk_this-key-does-not-exist');
    await panel.getByRole('button', { name: 'Sign in' }).click();
    await panel.locator('[role=alert]', { hasText: /not valid|unknown|revoked/i }).waitFor();
    await expect(input.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(storedApiKey(page)).resolves.toBeNull();
    await expect(page.locator('[role=alert]').count()).resolves.toBe(1);
    const dashboardParts = page.locator('[data-testid=anomaly-feed], [data-testid=profile-form], [data-testid=profile-select]');
    await expect(dashboardParts.count()).resolves.toBe(0);
    expect(traffic.sockets).toEqual([]);
    expect(traffic.graphql.every((body) => body.includes('viewer'))).toBe(true);
    await screenshot(page, 'dashboard-sign-in-error.png');

    // A wrong key in a link is dropped from the address and from storage, and the panel says why.
    await page.goto('about:blank');
    await page.goto(dashboardLink(server.url, 'nsk_wrong-key-in-a-link'));
    await page.getByTestId('sign-in').getByText(/refused/).waitFor();
    expect(page.url()).not.toContain('key=');
    await expect(storedApiKey(page)).resolves.toBeNull();
    expect(traffic.sockets).toEqual([]);
  });

  async function readOnlyKey(): Promise<{ id: string; key: string }> {
    const created = await server.graphql<{ createApiKey: { id: string; key: string } }>(
      'mutation { createApiKey(site: "default", scopes: [READ], name: "browser read-only") { id key } }',
    );
    expect(created.errors).toBeUndefined();
    return created.data!.createApiKey;
  }

  async function revoke(id: string): Promise<void> {
    expect((await server.graphql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id })).errors).toBeUndefined();
  }

  it('shows FORBIDDEN for a read-only key, and the sign-in panel at once when that key is revoked', async () => {
    const { id, key } = await readOnlyKey();
    await openDashboard('', key);
    await expect(page.getByTestId('site').innerText()).resolves.toMatch(/\bdefault\b/);

    const form = page.getByTestId('profile-form');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.locator('[role=alert]', { hasText: /write/ }).waitFor();

    const traffic = watchTraffic();
    await revoke(id);
    // The server closes the revoked key's socket (4403 UNAUTHENTICATED): the page asks for a key again, without a request.
    await page.getByTestId('sign-in').getByText(/refused/).waitFor();
    expect(traffic.graphql).toEqual([]);
    await expect(storedApiKey(page)).resolves.toBeNull();
  });

  it('asks for a key again when the socket reconnects and the server refuses it (4403 UNAUTHENTICATED)', async () => {
    const { id, key } = await readOnlyKey();
    // The page's socket passes through the test, which can cut it as a network would.
    let pageSide: WebSocketRoute | undefined;
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      const server = ws.connectToServer();
      if (pageSide) return;
      pageSide = ws;
      // The server closes a revoked key's socket itself; that close is held back here, so the reconnect is what gets refused.
      server.onClose(() => undefined);
    });
    await openDashboard('', key);
    const traffic = watchTraffic();
    await revoke(id);
    await pageSide!.close({ code: 1001, reason: 'network change' });
    // The dashboard reconnects with the revoked key; the refusal of the socket alone brings the panel back.
    await page.getByTestId('sign-in').getByText(/refused/).waitFor();
    expect(traffic.graphql).toEqual([]);
    await expect(storedApiKey(page)).resolves.toBeNull();
  });

  it('shows an anomaly sent with predict within 2 s, with its score, hosts, ports and explanation', async () => {
    await openDashboard();
    const r = await server.graphql<{ predict: { isAnomaly: boolean; anomalyId: string }[] }>(PREDICT, { records: [attack] });
    const sent = performance.now();
    const { isAnomaly, anomalyId } = r.data!.predict[0];
    expect(isAnomaly).toBe(true);

    const row = page.locator(`[data-testid=anomaly-row][data-id="${anomalyId}"]`);
    await row.waitFor({ timeout: 2_000 });
    expect(performance.now() - sent).toBeLessThan(2_000);
    const text = await row.innerText();
    expect(text).toContain('203.0.113.99:31337');
    expect(text).toContain('192.168.0.7:4444');
    expect(text).toMatch(/\b0\.\d\d|1\.00\b/);
    expect(text).toMatch(/port|size|address/i);

    await expect(page.locator('[role=alert]').count()).resolves.toBe(0);

    // The aggregates follow: the attacker shows up among the top hosts.
    await page.locator('[data-testid=top-hosts]', { hasText: '203.0.113.99' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'dashboard-desktop.png');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'dashboard-phone.png');
  });

  it('saves detector config changes through GraphQL and shows validation errors inline', async () => {
    await server.graphql(
      'mutation { upsertProfile(input: { name: "office", kind: FLOW, detectors: [{ name: "isolation-forest" }, { name: "knn-distance" }] }) { name } }',
    );
    await openDashboard('?profile=office');
    const form = page.getByTestId('profile-form');

    await page.getByTestId('contamination').fill('0.9');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.locator('[role=alert]', { hasText: 'contamination' }).waitFor();
    await page.getByTestId('param-isolation-forest-nEstimators').fill('-3');
    await page.getByTestId('contamination').fill('0.02');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('detector-isolation-forest').locator('[role=alert]', { hasText: /nEstimators|greater|>=|too small/i }).waitFor();
    await screenshot(page, 'dashboard-config-errors.png');

    await page.getByTestId('param-isolation-forest-nEstimators').fill('150');
    await page.getByTestId('detector-knn-distance').getByRole('checkbox').uncheck();
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('saved').waitFor();

    const r = await server.graphql<{ profile: { contamination: number; detectors: { name: string; params: Record<string, unknown> }[] } }>(
      '{ profile(name: "office") { contamination detectors { name params } } }',
    );
    expect(r.data!.profile.contamination).toBe(0.02);
    expect(r.data!.profile.detectors.map((d) => d.name)).toEqual(['isolation-forest']);
    expect(r.data!.profile.detectors[0].params.nEstimators).toBe(150);

    await page.reload();
    await expect(page.getByTestId('param-isolation-forest-nEstimators').inputValue()).resolves.toBe('150');
    await screenshot(page, 'dashboard-config.png');
  });

  it('trains with a live progress bar, then rolls a detector back to its previous model', async () => {
    // Training reads the profile's stored traffic: keep some ordinary records first.
    await server.graphql('mutation { upsertProfile(input: { name: "default", storeTraffic: true }) { name } }');
    const records = Array.from({ length: 600 }, (_, i) => ({
      srcIp: `192.168.0.${(i % 20) + 2}`,
      destIp: ['142.250.1.1', '151.101.1.69', '192.168.0.1'][i % 3],
      srcPort: 40000 + i,
      destPort: [443, 80, 53][i % 3],
      protocol: i % 3 === 2 ? 'UDP' : 'TCP',
      packetSize: 60 + ((i * 37) % 1400),
    }));
    expect((await server.graphql(PREDICT, { records })).errors).toBeUndefined();

    await openDashboard();
    await page.getByTestId('train').click();
    await page.locator('[data-testid=training-job] [role=progressbar]').waitFor();
    await page.locator('[data-testid=training-job][data-state=COMPLETED]').waitFor({ timeout: 60_000 });
    const v2 = page.getByTestId('model-isolation-forest-v2');
    await v2.getByText('active').waitFor();
    await screenshot(page, 'dashboard-trained.png');

    await page.getByTestId('model-isolation-forest-v1').getByRole('button', { name: 'Roll back' }).click();
    await page.getByRole('status').filter({ hasText: 'isolation-forest v1 is now active' }).waitFor();
    await page.getByTestId('model-isolation-forest-v1').getByText('active').waitFor();
    const r = await server.graphql<{ models: { detector: string; version: number; active: boolean }[] }>(
      '{ models(profile: "default") { detector version active } }',
    );
    expect(r.data!.models.filter((m) => m.detector === 'isolation-forest' && m.active).map((m) => m.version)).toEqual([1]);
  }, 120_000);

  it('serves a landing page linking to the dashboard and the playground, and JSON to API clients', async () => {
    await page.goto(server.url);
    await expect(page.getByRole('link', { name: /Dashboard/ }).getAttribute('href')).resolves.toBe('/dashboard');
    await expect(page.getByRole('link', { name: /GraphQL playground/ }).getAttribute('href')).resolves.toBe('/graphql');
    await screenshot(page, 'landing.png');
    const api = await fetch(server.url);
    expect(api.headers.get('content-type')).toMatch(/json/);
    expect(await api.json()).toMatchObject({ dashboard: '/dashboard', graphql: '/graphql' });
  });

  it('with AUTH=off works without a key and never asks for one', async () => {
    const open = await startTestServer('dashboard-open', { ASSETS_DIR: assets.dir, AUTH: 'off' });
    try {
      const own = await browser.newPage({ viewport: { width: 390, height: 844 } });
      own.setDefaultTimeout(15_000);
      const requests = watchForeignRequests(own, open.url);
      try {
        await own.goto(`${open.url}/dashboard`);
        await own.locator('[data-testid=connection][data-state=live]').waitFor();
        await expect(own.getByTestId('site').innerText()).resolves.toMatch(/\bdefault\b/);
        await expect(own.getByRole('button', { name: 'Sign out' }).count()).resolves.toBe(0);
        await until(() => open.services.events.stats().active >= 2, 'the dashboard subscriptions');

        // No key anywhere: neither in the page nor here.
        const res = await fetch(`${open.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: PREDICT, variables: { records: [attack] } }),
        });
        const body = (await res.json()) as { data: { predict: { anomalyId: string }[] } };
        await own.locator(`[data-testid=anomaly-row][data-id="${body.data.predict[0].anomalyId}"]`).waitFor({ timeout: 2_000 });
        await expect(own.getByTestId('sign-in').count()).resolves.toBe(0);
        expect(requests).toEqual([]);
      } finally {
        await own.close();
      }
    } finally {
      await open.close();
    }
  }, 120_000);
});
