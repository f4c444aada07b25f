import { Router } from 'express';
import type { Services } from '../app/services';

/** Prometheus scrape endpoint, in the text exposition format. */
export function metricsRoutes(services: Services): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const text = await services.metrics.text();
    res.type(services.metrics.contentType).send(text);
  });
  return router;
}
