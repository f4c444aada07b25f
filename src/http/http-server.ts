import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Services } from '../app/services';
import { isAppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { GraphQLContext } from '../schema/context';
import { DEFAULT_ASSETS_DIR } from './assets';
import { dashboardRoutes } from './dashboard.routes';
import { createErrorFormatter } from './graphql-errors';
import { serveGraphQLOverWebSocket } from './graphql-ws.transport';
import { jitGateway } from './jit-gateway';
import { httpStatusFor } from './error-status';
import { healthRoutes } from './health.routes';
import { playgroundRoutes } from './playground.routes';
import { sharedSubscribe } from './shared-subscribe';
import { restCompatRoutes } from './rest-compat.routes';

export interface HttpServer {
  server: http.Server;
  /** Resolves with the bound port (useful with PORT=0). */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

/** One http.Server carries REST, GraphQL over HTTP and GraphQL subscriptions over WebSocket. */
export async function createHttpServer(services: Services, schema: GraphQLSchema): Promise<HttpServer> {
  const app = express();
  const server = http.createServer(app);
  const context = (): GraphQLContext => ({ services });
  const formatError = createErrorFormatter(services.logger);
  const wsCleanup = serveGraphQLOverWebSocket(server, '/graphql', {
    schema,
    context,
    subscribe: sharedSubscribe,
    // Subscriptions get the same coded errors as queries and mutations.
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : undefined,
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)),
  });

  const apollo = new ApolloServer<GraphQLContext>({
    gateway: jitGateway(schema),
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of GraphQL answers here; the plugin would otherwise wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      { serverWillStart: async () => ({ drainServer: async () => wsCleanup.dispose() }) },
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.use(express.json({ limit: services.config.maxBodyBytes }));
  app.use(healthRoutes(services));
  const assetsDir = services.config.assetsDir ?? DEFAULT_ASSETS_DIR;
  app.use(dashboardRoutes(assetsDir));
  app.use(playgroundRoutes(assetsDir));
  app.use(restCompatRoutes(services));
  app.use('/graphql', expressMiddleware(apollo, { context: async () => context() }));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: ErrorCode.NOT_FOUND, message: 'Not found' } });
  });
  app.use(restErrorHandler(services));

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: async () => {
      await apollo.stop();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** REST errors are JSON with a code and a 4xx status, never an HTML page or a 200. */
function restErrorHandler(services: Services): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (isAppError(err)) {
      res.status(httpStatusFor(err.code)).json({ error: { code: err.code, message: err.message, ...err.details } });
      return;
    }
    const bodyError = err as { type?: string; status?: number };
    if (bodyError.type === 'entity.too.large') {
      res.status(413).json({ error: { code: ErrorCode.BATCH_TOO_LARGE, message: 'Request body too large' } });
    } else if (bodyError.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: ErrorCode.BAD_USER_INPUT, message: 'Body is not valid JSON' } });
    } else if (bodyError.status && bodyError.status >= 400 && bodyError.status < 500) {
      res.status(bodyError.status).json({ error: { code: ErrorCode.BAD_USER_INPUT, message: String((err as Error).message) } });
    } else {
      services.logger.error({ err }, 'unexpected error in REST request');
      res.status(500).json({ error: { code: ErrorCode.INTERNAL, message: 'Internal server error' } });
    }
  };
}
