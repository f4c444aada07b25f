import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/server';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestServer extends RunningServer {
  database: TestDatabase;
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: string[] }[];
}

/** A real server on an ephemeral loopback port, with its own database schema. */
export async function startTestServer(label: string, env: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDatabase(label);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATABASE_URL: database.url, ...env });
  const server = await startServer(config, createLogger('silent'));
  return {
    ...server,
    database,
    async graphql<T>(query: string, variables?: Record<string, unknown>) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
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
