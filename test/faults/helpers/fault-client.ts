import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** The admin key the fault tests' servers are started with (ADMIN_API_KEY). */
export const FAULT_ADMIN_KEY = 'fault-tests-admin-key-0123456789abcdef';
const AUTH = `Bearer ${FAULT_ADMIN_KEY}`;

export interface GraphQLReply<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export async function gql<T>(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLReply<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: AUTH },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as Omit<GraphQLReply<T>, 'status'>) };
}

export async function restPredict(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: AUTH },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

export interface Readiness {
  httpStatus: number;
  status: string;
  database: string;
  redis?: string;
  anomalyBuffer: { buffered: number; max: number; dropped: number };
}

export async function readyz(url: string): Promise<Readiness> {
  const res = await fetch(`${url}/readyz`);
  return { httpStatus: res.status, ...((await res.json()) as Omit<Readiness, 'httpStatus'>) };
}

/** Polls until `check` holds, failing with the last value seen. */
export async function eventually<T>(what: string, probe: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (check(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last) ?? String(lastError)}`);
    }
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface LiveAnomalies {
  client: Client;
  /** Ids of the anomalyDetected events received. */
  ids: string[];
  /** Close codes of the connection (1001 = the server going away). */
  closeCodes: number[];
  errors: unknown[];
  /** Resolves once the server has acknowledged the connection. */
  connected: Promise<void>;
  stop(): Promise<void>;
}

/** A graphql-ws client with the admin key, subscribed to every anomaly. */
export function subscribeAnomalies(url: string): LiveAnomalies {
  const ids: string[] = [];
  const closeCodes: number[] = [];
  const errors: unknown[] = [];
  let onConnected!: () => void;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: AUTH },
    retryAttempts: 0,
    lazy: false,
    // The connection ending is recorded through on.closed (the SIGTERM test expects it); not an error to print.
    onNonLazyError: () => undefined,
    on: {
      connected: () => onConnected(),
      closed: (event) => closeCodes.push((event as { code: number }).code),
    },
  });
  const unsubscribe = client.subscribe<{ anomalyDetected: { id: string } }>(
    { query: 'subscription { anomalyDetected { id } }' },
    {
      next: (r) => {
        if (r.data) ids.push(r.data.anomalyDetected.id);
        if (r.errors) errors.push(r.errors);
      },
      error: (err) => errors.push(err),
      complete: () => undefined,
    },
  );
  return {
    client,
    ids,
    closeCodes,
    errors,
    connected,
    async stop() {
      unsubscribe();
      await client.dispose();
    },
  };
}
