import type { Browser, Page } from 'playwright-core';
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

const PREDICT = `mutation($records: [TrafficRecordInput!]!) { predict(records: $records) { anomalyId } }`;
const attack = { srcIp: '203.0.113.42', destIp: '192.168.0.9', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };

(browserAvailable() ? describe : describe.skip)('GraphiQL playground in a browser', () => {
  let assets: Awaited<ReturnType<typeof buildTestAssets>>;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let foreign: string[];

  beforeAll(async () => {
    assets = await buildTestAssets();
    server = await startTestServer('playground', { ASSETS_DIR: assets.dir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
    foreign = watchForeignRequests(page, server.url);
    // Signed in on the dashboard (through a sign-in link): the playground uses the same stored key.
    await page.goto(dashboardLink(server.url, server.adminKey));
    await page.getByTestId('site').waitFor();
    await page.goto(`${server.url}/graphql`);
    await expect(storedApiKey(page)).resolves.toBe(server.adminKey);
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
  }, 120_000);
  afterAll(async () => {
    expect(foreign).toEqual([]);
    await browser?.close();
    await server?.close();
    await assets?.remove();
  });

  /**
   * Replaces the editor's text with one named operation and runs it, once GraphiQL
   * has parsed the new text (the tab then bears the operation's name).
   */
  async function run(name: string, operation: string, on = page): Promise<void> {
    await on
      .locator('.graphiql-query-editor .CodeMirror')
      .evaluate((editor, text) => (editor as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(text), operation);
    await on.locator('.graphiql-tab-active', { hasText: name }).waitFor();
    await on.locator('.graphiql-execute-button').click();
  }

  const response = () => page.locator('.graphiql-response');

  it('is served to a browser at /graphql from the server itself without a key, while API clients still get GraphQL', async () => {
    const url = `${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`;
    const api = await fetch(url, { headers: { 'apollo-require-preflight': '1', ...server.authHeaders() } });
    expect(await api.json()).toEqual({ data: { __typename: 'Query' } });
    const anonymous = await fetch(url, { headers: { 'apollo-require-preflight': '1' } });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const html = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(await page.title()).toMatch(/playground/i);
  });

  it('shows the schema docs, including the subscriptions', async () => {
    await page.getByRole('button', { name: /Documentation Explorer/i }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByRole('link', { name: 'Subscription' }).click();
    await docs.getByText('anomalyDetected').waitFor();
    await docs.getByText('modelActivated').waitFor();
  });

  it('runs a query with the stored key', async () => {
    await run('Detectors', 'query Detectors { detectors { name } }');
    await response().getByText('"isolation-forest"').waitFor();
  });

  it('runs a subscription with the stored key and shows anomalies as they arrive', async () => {
    const before = server.services.events.stats().active;
    await run('Watch', 'subscription Watch { anomalyDetected { id srcIp destPort } }');
    await until(() => server.services.events.stats().active > before, 'the playground subscription');
    const r = await server.graphql<{ predict: { anomalyId: string }[] }>(PREDICT, { records: [attack] });
    const { anomalyId } = r.data!.predict[0];
    await response().getByText(`"${anomalyId}"`).waitFor();
    await response().getByText('"203.0.113.42"').waitFor();
    await screenshot(page, 'playground.png');
  });

  it('without a stored key answers UNAUTHENTICATED, and takes a key typed into its headers editor', async () => {
    const anonymous = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    anonymous.setDefaultTimeout(15_000);
    try {
      await anonymous.goto(`${server.url}/graphql`);
      await expect(storedApiKey(anonymous)).resolves.toBeNull();
      await anonymous.locator('.graphiql-query-editor .CodeMirror').waitFor();
      const answer = anonymous.locator('.graphiql-response');
      await run('Sites', 'query Sites { sites { name } }', anonymous);
      await answer.getByText('"UNAUTHENTICATED"').waitFor();

      await anonymous.locator('.graphiql-editor-tools button[data-name=headers]').click();
      await anonymous
        .locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror')
        .evaluate(
          (editor, text) => (editor as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(text),
          JSON.stringify({ Authorization: `Bearer ${server.adminKey}` }),
        );
      await anonymous.locator('.graphiql-execute-button').click();
      await answer.getByText('"default"').waitFor();
      await expect(answer.getByText('UNAUTHENTICATED').count()).resolves.toBe(0);
    } finally {
      await anonymous.close();
    }
  });
});
