import { Router } from 'express';
import { prefersHtml, sendPage } from './assets';

/** GraphiQL for a browser opening /graphql; GraphQL GET requests (with a query) and API clients go on to Apollo. */
export function playgroundRoutes(assetsDir: string): Router {
  const router = Router();
  const playground = sendPage(assetsDir, 'playground.html');
  router.get('/graphql', (req, res, next) => (prefersHtml(req) && req.query.query === undefined ? playground(req, res, next) : next()));
  return router;
}
