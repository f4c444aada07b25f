import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { TEST_ADMIN_KEY } from '../../helpers/test-server';

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** One graphql-ws connection to a server's /graphql, as a browser or integration would open it. */
export function connectLive(httpUrl: string, key = TEST_ADMIN_KEY): Client {
  return createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: { authorization: `Bearer ${key}` },
  });
}

export interface LiveSubscription<T> {
  results: GraphQLResult<T>[];
  /** Resolves with the first result (already received or still to come) that matches. */
  waitFor(match: (r: GraphQLResult<T>) => boolean, timeoutMs?: number): Promise<GraphQLResult<T>>;
  done: Promise<void>;
  stop(): void;
}

export function subscribe<T>(client: Client, query: string, variables?: Record<string, unknown>): LiveSubscription<T> {
  const results: GraphQLResult<T>[] = [];
  const waiters = new Set<() => void>();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const notify = () => waiters.forEach((w) => w());
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (r) => {
        results.push(r as GraphQLResult<T>);
        notify();
      },
      error: (err) => {
        results.push({ errors: Array.isArray(err) ? err : [{ message: String((err as Error).message ?? err) }] });
        notify();
        finish();
      },
      complete: finish,
    },
  );
  return {
    results,
    done,
    stop,
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = results.find(match);
          if (!hit) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching result within ${timeoutMs} ms; got ${JSON.stringify(results).slice(0, 500)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** Polls until `condition` holds; for state that has no event to wait on (a subscription being registered). */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
