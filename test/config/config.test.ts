import { loadConfig } from '../../src/config/config';
import { AppError } from '../../src/errors/app-error';

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      redisUrl: undefined,
      logLevel: 'info',
      dataDir: './data',
      maxBatchRecords: 10_000,
      maxBodyBytes: 16 * 1024 * 1024,
      workers: 1,
    });
  });

  it('reads and coerces values', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgresql://u@h:5432/db', MAX_BATCH_RECORDS: '50', LOG_LEVEL: 'debug' });
    expect(c).toMatchObject({ port: 8080, databaseUrl: 'postgresql://u@h:5432/db', maxBatchRecords: 50, logLevel: 'debug' });
  });

  it('treats empty URLs as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: ' ' })).toMatchObject({ databaseUrl: undefined, redisUrl: undefined });
  });

  it('refuses bad values with CONFIG_INVALID naming every problem', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'not a url' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('CONFIG_INVALID');
    const problems = (err as AppError).details.problems as string[];
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
  });

  it('turns auth off only on a loopback address, and refuses a short admin key', () => {
    expect(loadConfig({ AUTH: 'off' }).auth).toEqual({ enabled: false, adminApiKey: undefined });
    expect(loadConfig({}).auth.enabled).toBe(true);
    expect(() => loadConfig({ AUTH: 'off', HOST: '0.0.0.0' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => loadConfig({ ADMIN_API_KEY: 'short' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    // docker compose passes an unset variable as an empty string.
    expect(loadConfig({ ADMIN_API_KEY: ' ' }).auth.adminApiKey).toBeUndefined();
  });
});
