import type { Request, RequestHandler } from 'express';
import type { Metrics } from '../metrics/prometheus';

/**
 * The server's top-level paths, for requests answered before or outside a route:
 * a body refused by the JSON parser, a key refused by middleware (the error
 * handler answers those after Express has left the mount point).
 */
const KNOWN_PATHS = ['/graphql', '/predict', '/metrics', '/healthz', '/readyz', '/dashboard', '/assets'];

/** Times every HTTP request, labelled by the route that answered it (never the raw URL: its cardinality is unbounded). */
export function requestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => metrics.observeRequest(routeOf(req), res.statusCode, (performance.now() - started) / 1000));
    next();
  };
}

/** `/predict`, `/graphql`, `/dashboard`, …; `unmatched` for whatever no route took (404s, probes). */
function routeOf(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  if (route) {
    const path = Array.isArray(route.path) ? route.path[0] : route.path;
    if (typeof path === 'string') return (req.baseUrl + path).replace(/(.)\/$/, '$1');
  }
  // Middleware mounted on a path (GraphQL, static assets) leaves its mount point here.
  if (req.baseUrl) return req.baseUrl;
  const path = req.path;
  return KNOWN_PATHS.find((p) => path === p || path.startsWith(`${p}/`)) ?? 'unmatched';
}
