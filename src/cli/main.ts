#!/usr/bin/env node
import 'reflect-metadata';
import { loadConfig } from '../config/config';
import { isAppError } from '../errors/app-error';
import { createLogger } from '../logger';
import { buildAppSchema } from '../schema/build-schema';
import { startServer } from '../server';

const USAGE = `Usage: netsentinel <command>

Commands:
  serve            start the API server (default)
  schema           write schema.graphql

Configuration comes from the environment: PORT, HOST, DATABASE_URL, REDIS_URL, LOG_LEVEL, DATA_DIR.`;

async function serve(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function main(argv: string[]): Promise<void> {
  const [command = 'serve'] = argv;
  switch (command) {
    case 'serve':
      return serve();
    case 'schema':
      await buildAppSchema(true);
      return;
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      console.error(`Unknown command "${command}"\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(isAppError(err) ? `${err.code}: ${err.message}` : err);
  process.exit(1);
});
