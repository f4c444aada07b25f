import { createClient, type Client } from 'graphql-ws';

export interface GraphQLErrorEntry {
  message: string;
  extensions?: { code?: string; field?: string; detector?: string; param?: string; [key: string]: unknown };
}

/** A GraphQL answer with errors; the dashboard shows them next to the field they name. */
export class GraphQLRequestError extends Error {
  constructor(readonly errors: GraphQLErrorEntry[]) {
    super(errors.map((e) => e.message).join('; '));
  }

  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/** Queries and mutations over HTTP; Apollo's CSRF protection wants the JSON content type. */
export async function request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: GraphQLErrorEntry[] };
  if (body.errors?.length) throw new GraphQLRequestError(body.errors);
  if (!body.data) throw new Error(`GraphQL answered HTTP ${res.status} without data`);
  return body.data;
}

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

let client: Client | undefined;
const stateListeners = new Set<(s: ConnectionState) => void>();
let state: ConnectionState = 'connecting';

function setState(next: ConnectionState): void {
  state = next;
  stateListeners.forEach((l) => l(next));
}

/** One WebSocket for every subscription of the page; it reconnects for as long as the page is open. */
function liveClient(): Client {
  client ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** retries))),
    keepAlive: 10_000,
    on: {
      connected: () => setState('live'),
      closed: () => setState('reconnecting'),
    },
  });
  return client;
}

export function onConnectionState(listener: (s: ConnectionState) => void): () => void {
  stateListeners.add(listener);
  listener(state);
  return () => stateListeners.delete(listener);
}

export interface SubscriptionHandlers<T> {
  next(data: T): void;
  error?(err: GraphQLRequestError | Error): void;
  complete?(): void;
}

/** Returns the function that ends the subscription. */
export function subscribe<T>(query: string, variables: Record<string, unknown>, handlers: SubscriptionHandlers<T>): () => void {
  return liveClient().subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) handlers.error?.(new GraphQLRequestError(result.errors as GraphQLErrorEntry[]));
        else if (result.data) handlers.next(result.data as T);
      },
      error: (err) => {
        const errors = Array.isArray(err) ? (err as GraphQLErrorEntry[]) : undefined;
        handlers.error?.(errors ? new GraphQLRequestError(errors) : err instanceof Error ? err : new Error('connection lost'));
      },
      complete: () => handlers.complete?.(),
    },
  );
}
