#!/usr/bin/env node
import 'reflect-metadata';
import { loadConfig } from '../config/config';
import { isAppError } from '../errors/app-error';
import { createLogger } from '../logger';
import { captureCommand } from './commands/capture.command';
import { importCommand } from './commands/import.command';
import { keysCommand } from './commands/keys.command';
import { modelsCommand } from './commands/models.command';
import { scoreCommand } from './commands/score.command';
import { trainCommand } from './commands/train.command';
import { workerCommand } from './commands/worker.command';

const USAGE = `Usage: netsentinel <command>

Commands:
  serve            start the API server (default)
  schema           write schema.graphql
  worker           run training jobs from the queue (needs REDIS_URL)
  import           store records for training: a dataset (csv, kdd) or a capture (pcap, zeek)
  train            train a profile's models as a job (--wait for a progress bar)
  models           list a profile's model versions
  score            score a file (pcap, zeek, csv, kdd) into JSON lines; anomalies are stored
  capture          capture live on an interface (tcpdump) and score as it comes
  keys             create, list or revoke API keys (as the operator, straight in the database)

Configuration comes from the environment: PORT, HOST, DATABASE_URL, REDIS_URL, LOG_LEVEL, DATA_DIR, ADMIN_API_KEY, AUTH.`;

async function serve(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // Loaded on demand: the other commands must not load the GraphQL schema (it needs decorator metadata, which tsx lacks).
  const { startServer } = await import('../server.js');
  const server = await startServer(config, logger);
  let stopping = false;
  // Drain: HTTP stops accepting, requests under way finish, held anomalies are written,
  // subscribers get 1001 Going Away; then exit 0. A second signal exits at once.
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without finishing the drain');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // The drain waits at most SHUTDOWN_TIMEOUT_MS for requests and again for held anomalies; past that something hangs.
    setTimeout(() => {
      logger.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, 2 * config.shutdownTimeoutMs + 15_000).unref();
    server.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...args] = argv;
  switch (command) {
    case 'serve':
      return serve();
    case 'schema':
      await (await import('../schema/build-schema.js')).buildAppSchema(true);
      return;
    case 'worker':
      return workerCommand();
    case 'import':
      process.exitCode = await importCommand(args);
      return;
    case 'train':
      process.exitCode = await trainCommand(args);
      return;
    case 'models':
      process.exitCode = await modelsCommand(args);
      return;
    case 'score':
      process.exitCode = await scoreCommand(args);
      return;
    case 'capture':
      process.exitCode = await captureCommand(args);
      return;
    case 'keys':
      process.exitCode = await keysCommand(args);
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
