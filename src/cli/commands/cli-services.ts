import { createServices, type Services } from '../../app/services';
import { loadConfig } from '../../config/config';
import { createLogger } from '../../logger';

/**
 * Runs a command with the services of this process. Commands talk to people:
 * unless LOG_LEVEL says otherwise, only warnings and errors are logged.
 */
export async function withServices<T>(run: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const services = await createServices(config, createLogger(config.logLevel));
  try {
    return await run(services);
  } finally {
    await services.close();
  }
}
