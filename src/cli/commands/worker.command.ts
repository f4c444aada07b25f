import { createServices } from '../../app/services';
import { loadConfig } from '../../config/config';
import { AppError } from '../../errors/app-error';
import { ErrorCode } from '../../errors/error-codes';
import { createLogger } from '../../logger';

/**
 * `netsentinel worker`: runs training jobs from the BullMQ queue until SIGTERM
 * or SIGINT. A job running at shutdown stays locked until its lock expires,
 * then another worker resumes it.
 */
export async function workerCommand(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl) {
    throw new AppError(ErrorCode.CONFIG_INVALID, 'netsentinel worker needs REDIS_URL; without Redis the server runs training jobs itself');
  }
  const logger = createLogger(config.logLevel);
  const services = await createServices(config, logger);
  const concurrency = Math.max(1, config.workers);
  await services.training.start({ workers: concurrency });
  logger.info({ concurrency, prefix: config.training.queuePrefix }, 'training worker ready');
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'training worker stopping');
    services.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping the worker');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
