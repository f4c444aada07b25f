import { Router } from 'express';
import type { Services } from '../app/services';

export function healthRoutes(services: Services): Router {
  const router = Router();
  // Liveness: the process answers. Readiness: it can reach what detection needs.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const database = await services.db.pool
      .query('SELECT 1')
      .then(() => 'ok' as const)
      .catch(() => 'down' as const);
    const ready = database === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'degraded', database });
  });
  return router;
}
