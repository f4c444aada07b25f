import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildAssets } from '../../../scripts/build-assets';

/** Debian's Chromium; `.ci/run` installs it. Nothing here ever downloads a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '../../../test-results');

/** Under CI a missing browser fails the run; elsewhere the browser tests are skipped, saying why. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: .ci/run installs the chromium package`);
  console.log(`skipping browser tests: ${CHROMIUM} not found (apt-get install chromium)`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** The dashboard and playground bundles, built from source into a directory of this test file's own. */
export async function buildTestAssets(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'netsentinel-assets-'));
  await buildAssets(dir);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Records every request the page makes that leaves the server under test: the
 * pages must work on an offline LAN, so this list has to stay empty.
 */
export function watchForeignRequests(page: Page, serverUrl: string): string[] {
  const origin = new URL(serverUrl);
  const foreign: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (url.host !== origin.host) foreign.push(req.url());
  });
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).host !== origin.host) foreign.push(ws.url());
  });
  return foreign;
}

/** The localStorage entry the pages keep the API key in (src/dashboard/api/api-key.ts). */
export const API_KEY_STORAGE = 'netsentinel.apiKey';

/** A sign-in link as an admin would hand it over: the page stores the key and drops it from the address. */
export function dashboardLink(serverUrl: string, key: string, query = ''): string {
  return `${serverUrl}/dashboard${query}#key=${encodeURIComponent(key)}`;
}

export async function storedApiKey(page: Page): Promise<string | null> {
  return (await page.evaluate(`localStorage.getItem(${JSON.stringify(API_KEY_STORAGE)})`)) as string | null;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  // From the top, so the sticky header sits where a person sees it.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
