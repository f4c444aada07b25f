import { CloseCode, createClient, type Client } from 'graphql-ws';
import { bearer, getApiKey, onApiKeyChange } from './api-key';

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

/** The server refused the key (or its absence): the page has to ask for one. */
export const UNAUTHENTICATED = 'UNAUTHENTICATED';

const authListeners = new Set<() => void>();

/** Called when the stored key (or no key) is refused over HTTP or WebSocket. */
export function onAuthRequired(listener: () => void): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

/** Only a refusal of the key in use now counts: an answer to a request sent with an older key says nothing. */
function authRefused(sentWith: string | null): void {
  if (sentWith === getApiKey()) authListeners.forEach((l) => l());
}

/**
 * Queries and mutations over HTTP; Apollo's CSRF protection wants the JSON content type.
 * `options.key` sends that key (null: none) instead of the stored one, and a refusal is then
 * only the caller's business: signing in validates a key this way before storing it.
 */
export async function request<T>(query: string, variables?: Record<string, unknown>, options: { key?: string | null } = {}): Promise<T> {
  const key = options.key !== undefined ? options.key : getApiKey();
  const authorization = bearer(key);
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(authorization && { authorization }) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: GraphQLErrorEntry[] };
  if (body.errors?.length) {
    const err = new GraphQLRequestError(body.errors);
    if (err.code === UNAUTHENTICATED && options.key === undefined) authRefused(key);
    throw err;
  }
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

/** The key the current socket was opened with, to tell whether a refusal concerns the stored key. */
let socketKey: string | null = null;

/**
 * One WebSocket for every subscription of the page; it reconnects for as long as the
 * page is open, sending the stored key each time (connectionParams is a function).
 * A refused key (close 4403 UNAUTHENTICATED) is final: the page asks for a key instead of retrying.
 */
function liveClient(): Client {
  if (client) return client;
  const created: Client = createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => {
      socketKey = getApiKey();
      const authorization = bearer(socketKey);
      return authorization ? { authorization } : {};
    },
    retryAttempts: Infinity,
    shouldRetry: (e) => !isKeyRefusal(e),
    retryWait: (retries) => new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** retries))),
    keepAlive: 10_000,
    on: {
      connected: () => client === created && setState('live'),
      closed: (e) => {
        // A client replaced after a key change closes too; only the current one speaks for the page.
        if (client !== created) return;
        setState('reconnecting');
        if (isKeyRefusal(e)) authRefused(socketKey);
      },
    },
  });
  client = created;
  return client;
}

/** The server closes with 4403 and the error code as reason; other 4403 reasons (a database hiccup) are worth a retry. */
function isKeyRefusal(e: unknown): boolean {
  if (typeof e !== 'object' || e === null || !('code' in e)) return false;
  const { code, reason } = e as { code: unknown; reason?: unknown };
  return code === CloseCode.Forbidden && reason === UNAUTHENTICATED;
}

// Another key (or none) means another site: the next subscription opens a new socket with it.
onApiKeyChange(() => {
  const old = client;
  client = undefined;
  setState('connecting');
  void old?.dispose();
});

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
        let errors = Array.isArray(err) ? (err as GraphQLErrorEntry[]) : undefined;
        if (isKeyRefusal(err)) errors = [{ message: 'The API key was refused', extensions: { code: UNAUTHENTICATED } }];
        handlers.error?.(errors ? new GraphQLRequestError(errors) : err instanceof Error ? err : new Error('connection lost'));
      },
      complete: () => handlers.complete?.(),
    },
  );
}
