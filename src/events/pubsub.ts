import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub, type PubSubEventTarget } from '@graphql-yoga/subscription';
import { Redis } from 'ioredis';
import { setMaxListeners } from 'node:events';
import { BoundedSubscription } from './bounded-subscription';
import type { Topics } from './events';

type TopicName = Extract<keyof Topics, string>;
/** Topics published without a routing id carry one payload. */
type PlainTopic = { [K in TopicName]: Topics[K] extends [unknown] ? K : never }[TopicName];
type PayloadOf<K extends PlainTopic> = Topics[K][0];
/** A topic with a routing id (TRAINING_PROGRESS, per job) is subscribed to with that id. */
type SubscribeArgs<K extends TopicName> = Topics[K] extends [unknown] ? [topic: K] : [topic: K, id: Topics[K][0]];
type Delivered<K extends TopicName> = Topics[K] extends [infer P] ? P : Topics[K] extends [unknown, infer P] ? P : never;

export interface SubscriptionStats {
  /** Subscriptions listening right now (GraphQL subscriptions and internal watchers). */
  active: number;
  /** Events thrown away because a subscriber's buffer was full: a slow or dead client. */
  dropped: number;
}

export interface EventBusOptions {
  /** Prepended to every Redis channel. */
  prefix?: string;
  /** Events one subscription may hold before its oldest are dropped. */
  buffer?: number;
}

export interface EventBus {
  publish: PubSub<Topics>['publish'];
  subscribe<K extends TopicName>(...args: SubscribeArgs<K>): BoundedSubscription<Delivered<K>>;
  /** Like subscribe(), but `accept` runs before buffering, so unwanted events never take a slow subscriber's space. */
  subscribeWhere<K extends PlainTopic>(topic: K, accept: (payload: PayloadOf<K>) => boolean): BoundedSubscription<PayloadOf<K>>;
  stats(): SubscriptionStats;
  /** Redis as this bus sees it: `down` while either connection is lost (ioredis reconnects by itself); undefined without REDIS_URL. */
  redisStatus(): 'ok' | 'down' | undefined;
  close(): Promise<void>;
}

export const DEFAULT_EVENTS_PREFIX = 'netsentinel:';
const DEFAULT_BUFFER = 1000;

/**
 * In memory by default; through Redis pub/sub when REDIS_URL is set, so every
 * server instance sees every event. Publishing never waits for subscribers:
 * each subscription has a bounded buffer that drops its oldest events (counted
 * in stats()) when its client cannot keep up.
 */
export function createEventBus(redisUrl?: string, options: EventBusOptions = {}): EventBus {
  const { prefix = DEFAULT_EVENTS_PREFIX, buffer = DEFAULT_BUFFER } = options;
  const redis = redisUrl ? connectRedis(redisUrl, prefix) : undefined;
  const target = redis?.target ?? inMemoryTarget();
  const { publish } = createPubSub<Topics>({ eventTarget: target as PubSubEventTarget<Topics> });
  const stats: SubscriptionStats = { active: 0, dropped: 0 };

  function listen<T>(topic: string, accept?: (payload: T) => boolean): BoundedSubscription<T> {
    const listener = (event: Event) => {
      const payload = (event as CustomEvent<T>).detail;
      if (accept === undefined || accept(payload)) subscription.push(payload);
    };
    const subscription = new BoundedSubscription<T>(
      buffer,
      () => stats.dropped++,
      () => {
        target.removeEventListener(topic, listener);
        stats.active--;
      },
    );
    target.addEventListener(topic, listener);
    stats.active++;
    return subscription;
  }

  return {
    publish,
    subscribe: (...[topic, id]: [string, unknown?]) => listen(id === undefined ? topic : `${topic}:${String(id)}`),
    subscribeWhere: (topic, accept) => listen(topic, accept),
    stats: () => ({ ...stats }),
    redisStatus: () => redis?.status(),
    close: async () => redis?.disconnect(),
  };
}

function inMemoryTarget(): EventTarget {
  const target = new EventTarget();
  // Every subscription is a listener; hundreds are expected, not a leak.
  setMaxListeners(0, target);
  return target;
}

/**
 * Events through Redis pub/sub, so every instance hears every event. While Redis
 * is down an event still reaches this process's own subscribers (straight, in
 * memory): an outage silences the other instances, never this one, and publishing
 * never waits or queues (pub/sub would not keep the event for anyone anyway).
 */
function connectRedis(url: string, prefix: string): { target: EventTarget; status(): 'ok' | 'down'; disconnect(): void } {
  // No offline queue for publishing: a command while disconnected fails at once instead of piling up.
  const publishClient = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null, enableOfflineQueue: false });
  // Subscribing waits for the connection, and ioredis subscribes again after every reconnect.
  const subscribeClient = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null });
  // Connection errors are expected while Redis restarts: status() reports them, ioredis reconnects.
  for (const client of [publishClient, subscribeClient]) client.on('error', () => undefined);
  const redisTarget = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient });
  const local = inMemoryTarget();
  const channel = (type: string) => prefix + type;
  const ready = (client: Redis) => client.status === 'ready';
  type Listener = Parameters<typeof redisTarget.addEventListener>[1];
  const target: EventTarget = {
    addEventListener: (type, listener) => {
      redisTarget.addEventListener(channel(type), listener as Listener);
      local.addEventListener(type, listener);
    },
    removeEventListener: (type, listener) => {
      redisTarget.removeEventListener(channel(type), listener as Listener);
      local.removeEventListener(type, listener);
    },
    dispatchEvent: (event) => {
      const detail = (event as CustomEvent).detail as unknown;
      // Through Redis (this process hears it back through its own subscription)...
      if (ready(publishClient)) {
        publishClient.publish(channel(event.type), detail === undefined ? '' : JSON.stringify(detail)).catch(() => undefined);
      }
      // ...or straight to this process's subscribers when Redis cannot bring it back.
      if (!ready(publishClient) || !ready(subscribeClient)) local.dispatchEvent(new CustomEvent(event.type, { detail }));
      return true;
    },
  };
  return {
    target,
    status: () => (ready(publishClient) && ready(subscribeClient) ? 'ok' : 'down'),
    disconnect() {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
