import { loadConfig } from '../../src/config/config';
import { AppError } from '../../src/errors/app-error';

describe('limit settings', () => {
  it('has documented defaults', () => {
    expect(loadConfig({}).limits).toEqual({
      maxQueryDepth: 10,
      maxQueryComplexity: 100_000,
      maxSubscriptionsPerConnection: 20,
      ratePerSecond: 1_000,
      burst: 2_000,
      authFailuresPerMinute: 30,
    });
  });

  it('reads each from the environment; the burst defaults to twice the rate, at least 1', () => {
    const limits = loadConfig({
      MAX_QUERY_DEPTH: '4',
      MAX_QUERY_COMPLEXITY: '900',
      MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
      RATE_LIMIT_PER_SECOND: '0.2',
      AUTH_FAILURES_PER_MINUTE: '0',
    }).limits;
    expect(limits).toEqual({ maxQueryDepth: 4, maxQueryComplexity: 900, maxSubscriptionsPerConnection: 3, ratePerSecond: 0.2, burst: 1, authFailuresPerMinute: 0 });
    expect(loadConfig({ RATE_LIMIT_PER_SECOND: '50', RATE_LIMIT_BURST: '7' }).limits).toMatchObject({ ratePerSecond: 50, burst: 7 });
    expect(loadConfig({ RATE_LIMIT_PER_SECOND: '0' }).limits.ratePerSecond).toBe(0); // off
  });

  it('refuses nonsense naming the variable', () => {
    for (const [name, value] of [
      ['MAX_QUERY_DEPTH', '0'],
      ['MAX_QUERY_COMPLEXITY', 'lots'],
      ['MAX_SUBSCRIPTIONS_PER_CONNECTION', '-1'],
      ['RATE_LIMIT_PER_SECOND', '-5'],
      ['RATE_LIMIT_BURST', '0.5'],
      ['AUTH_FAILURES_PER_MINUTE', '2.5'],
    ]) {
      let error: unknown;
      try {
        loadConfig({ [name]: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AppError);
      expect(((error as AppError).details.problems as string[]).map((p) => p.split(':')[0])).toEqual([name]);
    }
  });
});
