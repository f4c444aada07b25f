import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { TRAINING_QUEUE } from '../../src/jobs/bullmq.backend';

export interface RedisTestEnv {
  url: string;
  /** Env for a server or worker of this test file: its own queue prefix and event channels. */
  env: Record<string, string>;
  prefix: string;
  cleanup(): Promise<void>;
}

/**
 * Redis for one test file, or undefined (with the reason printed) when REDIS_URL
 * is unset outside CI. Under CI=true nothing may be skipped: it throws instead.
 */
export function redisTestEnv(label: string): RedisTestEnv | undefined {
  const url = process.env.REDIS_URL;
  if (!url) {
    if (process.env.CI === 'true') throw new Error('REDIS_URL must be set under CI=true: the Redis job tests may not be skipped');
    console.warn(`skipping ${label}: REDIS_URL is not set (set it to run the BullMQ job tests)`);
    return undefined;
  }
  const id = `test-${label}-${randomUUID()}`;
  return {
    url,
    prefix: id,
    env: { REDIS_URL: url, QUEUE_PREFIX: id, EVENTS_PREFIX: `${id}:` },
    async cleanup() {
      const queue = new Queue(TRAINING_QUEUE, { connection: { url }, prefix: id });
      await queue.obliterate({ force: true });
      await queue.close();
      const redis = new Redis(url);
      const keys = await redis.keys(`${id}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
