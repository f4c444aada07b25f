import express, { Router } from 'express';
import path from 'node:path';
import { prefersHtml, sendPage } from './assets';

/** The built dashboard, the landing page a browser gets at `/`, and their content-hashed bundles. */
export function dashboardRoutes(assetsDir: string): Router {
  const router = Router();
  const landing = sendPage(assetsDir, 'index.html');
  router.get('/', (req, res, next) => (prefersHtml(req) ? landing(req, res, next) : next()));
  router.get(['/dashboard', '/dashboard/'], sendPage(assetsDir, 'dashboard.html'));
  router.use(
    '/assets',
    express.static(path.join(assetsDir, 'assets'), { immutable: true, maxAge: '365d', index: false }),
  );
  return router;
}
