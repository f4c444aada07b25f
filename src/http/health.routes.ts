import { Router } from 'express';
import type { Services } from '../app/services';
import { withDeadline } from '../db/availability';

/** A database that does not answer `SELECT 1` within this counts as down. */
const PROBE_MS = 2_000;

/**
 * Liveness (`/healthz`): the process answers. Readiness (`/readyz`): whether to
 * send this instance traffic, with what each dependency is doing:
 *
 * - 200 `ready`: PostgreSQL (and Redis, when REDIS_URL is set) up, no anomaly held in memory.
 * - 200 `degraded`: PostgreSQL or Redis down, or anomalies held from an outage still being
 *   written. `predict` goes on scoring with the models in memory and its anomalies are held
 *   (`anomalyBuffer`) until the database is back; training answers QUEUE_UNAVAILABLE while
 *   Redis is down. Deliberately 200: every instance shares these dependencies, so a 503 would
 *   take all of them out of rotation at once and stop detection, the one thing still working.
 * - 503 `shutting-down`: SIGTERM received; the instance finishes what it has and exits.
 */
export function healthRoutes(services: Services, lifecycle: { readonly isDraining: boolean }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const database = await withDeadline(services.db.pool.query('SELECT 1'), PROBE_MS, 'readiness probe')
      .then(() => 'ok' as const)
      .catch(() => 'down' as const);
    const redis = services.events.redisStatus();
    const anomalyBuffer = services.anomalyWriter.stats();
    const degraded = database === 'down' || redis === 'down' || anomalyBuffer.buffered > 0;
    const status = lifecycle.isDraining ? 'shutting-down' : degraded ? 'degraded' : 'ready';
    res.status(lifecycle.isDraining ? 503 : 200).json({
      status,
      database,
      ...(redis && { redis }),
      anomalyBuffer: { buffered: anomalyBuffer.buffered, max: anomalyBuffer.max, dropped: anomalyBuffer.dropped },
    });
  });
  return router;
}
