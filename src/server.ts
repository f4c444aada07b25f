import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { createServices, type Services } from './app/services';
import type { Config } from './config/config';
import { createHttpServer } from './http/http-server';
import { createLogger, type Logger } from './logger';
import { buildAppSchema } from './schema/build-schema';
import { ensureDefaultModel } from './training/default-model';

export interface RunningServer {
  services: Services;
  port: number;
  url: string;
  stop(): Promise<void>;
}

let schemaPromise: Promise<GraphQLSchema> | undefined;

/** The schema is the same for every server in a process; build it once. */
export function appSchema(): Promise<GraphQLSchema> {
  return (schemaPromise ??= buildAppSchema());
}

/** Starts everything a server needs: database (or the embedded one), default model, HTTP + WebSocket. */
export async function startServer(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const services = await createServices(config, logger);
  try {
    // Without Redis nothing else could run this server's jobs, so WORKERS=0 is ignored then.
    const workers = config.redisUrl ? config.workers : Math.max(1, config.workers);
    await services.training.start({ workers, recover: true, schedules: true });
    await ensureDefaultModel(services, workers > 0);
    const generatedKey = await services.auth.bootstrap(config.auth.adminApiKey);
    if (generatedKey) announceGeneratedKey(generatedKey);
    if (!config.auth.enabled) logger.warn('AUTH=off: every caller on this loopback address acts as the default site\'s admin');
    const http = await createHttpServer(services, await appSchema());
    const port = await http.listen(config.port, config.host);
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, graphql: `${url}/graphql` }, 'netsentinel listening');
    return {
      services,
      port,
      url,
      async stop() {
        await http.close();
        await services.close();
      },
    };
  } catch (err) {
    await services.close();
    throw err;
  }
}

/** Printed once, on the terminal rather than only in the JSON log: nothing can show this key again. */
function announceGeneratedKey(key: string): void {
  process.stderr.write(
    `\nnetsentinel: first start — the admin API key (root: manages every site) is\n\n    ${key}\n\n` +
      'It is shown this once; store it now. Send it as "Authorization: Bearer <key>". Set ADMIN_API_KEY to choose your own.\n\n',
  );
}
