import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { Redis } from 'ioredis';
import type { Topics } from './events';

export type EventBus = PubSub<Topics> & { close(): Promise<void> };

/** In memory by default; through Redis pub/sub when REDIS_URL is set, so every server instance sees every event. */
export function createEventBus(redisUrl?: string): EventBus {
  if (!redisUrl) return Object.assign(createPubSub<Topics>(), { close: async () => undefined });
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  const eventTarget = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient });
  const bus = createPubSub<Topics>({ eventTarget: eventTarget as never });
  return Object.assign(bus, {
    async close() {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  });
}
