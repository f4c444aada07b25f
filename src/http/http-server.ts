import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { CloseCode } from 'graphql-ws';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Services } from '../app/services';
import { isDatabaseUnavailable } from '../db/availability';
import { isAppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { RequestLimits } from '../limits/request-limits';
import { limitedOnSubscribe } from '../limits/ws-limits';
import type { AuthContext } from '../auth/auth-context';
import type { GraphQLContext } from '../schema/context';
import { DEFAULT_ASSETS_DIR } from './assets';
import { KeySockets } from './key-sockets';
import { callerOf, connectionAuthorization, requireApiKey, requireRootKey } from './auth.middleware';
import { dashboardRoutes } from './dashboard.routes';
import { HttpDrain } from './drain';
import { createErrorFormatter } from './graphql-errors';
import { serveGraphQLOverWebSocket, type Extra } from './graphql-ws.transport';
import { jitGateway } from './jit-gateway';
import { httpStatusFor } from './error-status';
import { healthRoutes } from './health.routes';
import { metricsRoutes } from './metrics.routes';
import { requestMetrics } from './request-metrics';
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
  const drain = new HttpDrain(server);
  type AuthedExtra = Extra & { auth?: AuthContext };
  // onConnect below authenticated the socket before any operation could run.
  const wsContext = (ctx: { extra: AuthedExtra }): GraphQLContext => ({ services, auth: ctx.extra.auth as AuthContext });
  const formatError = createErrorFormatter(services.logger);
  const limits = new RequestLimits(services.config, schema);
  const keySockets = new KeySockets();
  const stopRevocations = services.auth.onRevoked((keyId) => keySockets.closeAll(keyId, CloseCode.Forbidden, ErrorCode.UNAUTHENTICATED));
  const wsCleanup = serveGraphQLOverWebSocket(server, '/graphql', {
    schema,
    context: wsContext,
    onConnect: async (ctx) => {
      const address = ctx.extra.request.socket.remoteAddress;
      if (limits.authFailures.refusal(address)) {
        ctx.extra.socket.close(CloseCode.TooManyInitialisationRequests, ErrorCode.RATE_LIMITED);
        return false;
      }
      const authorization = connectionAuthorization(ctx.connectionParams);
      let auth: AuthContext;
      try {
        auth = await services.auth.authenticate(authorization);
      } catch (err) {
        // A refused key is 4403; anything else (the database down) is 1013 "try again later", so clients retry.
        const refused = isAppError(err) && err.code === ErrorCode.UNAUTHENTICATED;
        if (refused && authorization !== undefined) limits.authFailures.failed(address);
        ctx.extra.socket.close(refused ? CloseCode.Forbidden : 1013, refused ? ErrorCode.UNAUTHENTICATED : ErrorCode.DATABASE_UNAVAILABLE);
        return false;
      }
      (ctx.extra as AuthedExtra).auth = auth;
      if (auth.keyId) keySockets.add(auth.keyId, ctx.extra.socket);
      return true;
    },
    subscribe: sharedSubscribe,
    // Rate, depth, complexity and operations per connection; parses and validates with coded errors.
    onSubscribe: limitedOnSubscribe(schema, limits, wsContext),
    // Subscriptions get the same coded errors as queries and mutations.
    formatResult: (result) => (result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : undefined),
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)),
  });

  const apollo = new ApolloServer<GraphQLContext>({
    gateway: jitGateway(schema),
    formatError,
    validationRules: limits.query.validationRules,
    // Also makes Apollo run validationRules only after graphql's own rules passed (the depth walk needs a valid document).
    maxRecursiveSelections: true,
    // Shutdown is ours (close() below, called by the CLI's signal handler): Apollo's own
    // handler would stop only GraphQL and then re-raise the signal, killing the process mid-drain.
    stopOnTerminationSignals: false,
    plugins: [
      limits.apolloPlugin(),
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of GraphQL answers here; the plugin would otherwise wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  // First, so rejected bodies (413, 400) are timed too.
  app.use(requestMetrics(services.metrics));
  app.use(express.json({ limit: services.config.maxBodyBytes }));
  app.use(drain.closeConnectionsWhileDraining());
  app.use(healthRoutes(services, drain));
  // GET /metrics (Prometheus): the root key only, as it names every site's profiles.
  app.use('/metrics', requireApiKey(services.auth, limits.authFailures), requireRootKey());
  app.use(metricsRoutes(services));
  const assetsDir = services.config.assetsDir ?? DEFAULT_ASSETS_DIR;
  app.use(dashboardRoutes(assetsDir));
  app.use(playgroundRoutes(assetsDir));
  app.post('/predict', requireApiKey(services.auth, limits.authFailures));
  app.use('/predict', limits.restRateLimit());
  app.use(restCompatRoutes(services));
  app.use('/graphql', requireApiKey(services.auth, limits.authFailures));
  app.use(
    '/graphql',
    expressMiddleware(apollo, {
      context: async ({ req, res }) => limits.rateLimitedContext(req.socket.remoteAddress, { services, auth: callerOf(res.locals) }),
    }),
  );
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
      const closed = new Promise<void>((resolve) => server.once('close', resolve));
      const wasListening = server.listening;
      // Requests under way finish first (their anomalies stored or held, their events
      // published); then subscribers are told 1001 Going Away.
      await drain.drain(services.config.shutdownTimeoutMs);
      stopRevocations();
      await wsCleanup.dispose();
      await apollo.stop();
      if (wasListening) await closed;
    },
  };
}

/**
 * REST errors are JSON with a code and a 4xx status, never an HTML page or a 200.
 * A body refused before GraphQL saw it (too large, not JSON) is answered in
 * GraphQL's shape on /graphql, so GraphQL clients find `extensions.code`.
 */
function restErrorHandler(services: Services): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const send = (status: number, code: string, message: string, details: Record<string, unknown> = {}) => {
      res.status(status);
      if (req.path === '/graphql') res.json({ errors: [{ message, extensions: { ...details, code } }] });
      else res.json({ error: { code, message, ...details } });
    };
    if (isAppError(err)) {
      send(httpStatusFor(err.code), err.code, err.message, err.details);
      return;
    }
    if (isDatabaseUnavailable(err)) {
      send(503, ErrorCode.DATABASE_UNAVAILABLE, 'The database is unavailable; try again shortly');
      return;
    }
    const bodyError = err as { type?: string; status?: number; limit?: number };
    if (bodyError.type === 'entity.too.large') {
      // The body; too many records in an accepted body is BATCH_TOO_LARGE.
      send(413, ErrorCode.PAYLOAD_TOO_LARGE, `Request body larger than ${bodyError.limit} bytes`, { maxBytes: bodyError.limit });
    } else if (bodyError.type === 'entity.parse.failed') {
      send(400, ErrorCode.BAD_USER_INPUT, 'Body is not valid JSON');
    } else if (bodyError.status && bodyError.status >= 400 && bodyError.status < 500) {
      send(bodyError.status, ErrorCode.BAD_USER_INPUT, String((err as Error).message));
    } else {
      services.logger.error({ err }, 'unexpected error in REST request');
      send(500, ErrorCode.INTERNAL, 'Internal server error');
    }
  };
}
