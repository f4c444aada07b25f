import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { TEST_ADMIN_KEY } from '../helpers/test-server';

/** Collects every event of one subscription until the server completes it. */
export async function subscribe<T>(httpUrl: string, query: string, variables: Record<string, unknown>, key = TEST_ADMIN_KEY): Promise<T[]> {
  const client = createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${key}` },
  });
  const events: T[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      client.subscribe<T>(
        { query, variables },
        {
          next: (r) => (r.errors ? reject(new Error(JSON.stringify(r.errors))) : events.push(r.data as T)),
          error: reject,
          complete: resolve,
        },
      );
    });
  } finally {
    await client.dispose();
  }
  return events;
}
