import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/server';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestServer extends RunningServer {
  database: TestDatabase;
  /** The bootstrap (root) key the server was started with: admin of the `default` site. */
  adminKey: string;
  /** `{ authorization: 'Bearer <adminKey>' }`, for requests built by hand. */
  authHeaders(key?: string): Record<string, string>;
  /** As the admin key, or as `options.key`. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: { key?: string }): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: string[] }[];
}

/** Every test server's bootstrap key (ADMIN_API_KEY); tests that need others create them through the API. */
export const TEST_ADMIN_KEY = 'nsk_test-admin-key-0123456789abcdef';

/** A real server on an ephemeral loopback port, with its own database schema. */
export async function startTestServer(label: string, env: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDatabase(label);
  const adminKey = TEST_ADMIN_KEY;
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATABASE_URL: database.url, ADMIN_API_KEY: adminKey, ...env });
  const server = await startServer(config, createLogger('silent'));
  const authHeaders = (key = adminKey) => ({ authorization: `Bearer ${key}` });
  return {
    ...server,
    database,
    adminKey,
    authHeaders,
    async graphql<T>(query: string, variables?: Record<string, unknown>, options: { key?: string } = {}) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeaders(options.key) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as Omit<GraphQLResponse<T>, 'status'>;
      return { status: res.status, ...body };
    },
    async close() {
      await server.stop();
      await database.drop();
    },
  };
}
