import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Request, RequestHandler } from 'express';

/** Where `npm run build` puts the pages and bundles; the same path from src/http (tests) and dist/http (built). */
export const DEFAULT_ASSETS_DIR = path.resolve(__dirname, '../../dist/public');

/**
 * Everything is served from this origin: no CDN, so the pages work on an
 * offline LAN, and the policy makes any accidental external load fail loudly.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  // GraphiQL and the chart set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'none'",
].join('; ');

/** A browser navigating here (Accept: text/html first), as opposed to an API client. */
export function prefersHtml(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

/** Sends a built page, or explains how to build it when it is missing (e.g. the server was started from source). */
export function sendPage(assetsDir: string, file: string): RequestHandler {
  const page = path.join(assetsDir, file);
  return (_req, res) => {
    if (!existsSync(page)) {
      res.status(503).type('text/plain').send(`${file} is not built: run \`npm run build\` (it bundles the dashboard and playground into ${assetsDir}).`);
      return;
    }
    res.set({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Cache-Control': 'no-cache' }).sendFile(page);
  };
}
