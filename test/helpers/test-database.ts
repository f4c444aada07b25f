import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parseDatabaseUrl } from '../../src/db/database';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';

export interface TestDatabase {
  /** DATABASE_URL for the code under test, pointing at a schema of its own. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh schema on the real PostgreSQL named by DATABASE_URL (what CI sets), or
 * an in-memory embedded PostgreSQL when it is unset, like the server's own default.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const embedded = await startEmbeddedPostgres('memory');
    return { url: embedded.url, drop: () => embedded.stop() };
  }
  const schema = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const { connectionString } = parseDatabaseUrl(base);
  const url = new URL(connectionString);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
