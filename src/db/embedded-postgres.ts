import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL (PGlite, compiled to Wasm) inside this process, reachable over
 * a loopback socket so that Prisma and pg use it exactly like an external server.
 * It is the default when no DATABASE_URL is configured.
 */
export async function startEmbeddedPostgres(dataDir: string | 'memory'): Promise<EmbeddedPostgres> {
  const db = dataDir === 'memory' ? await PGlite.create() : await PGlite.create(await dataPath(dataDir));
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  const address = server.getServerConn();
  return {
    // One connection: PGlite is a single session, and its socket server interleaves the
    // protocol messages of concurrent connections, so two clients can clobber each
    // other's unnamed portal ("portal \"\" does not exist").
    url: `postgresql://postgres:postgres@${address}/postgres?sslmode=disable&connection_limit=1`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

async function dataPath(dataDir: string): Promise<string> {
  const dir = path.resolve(dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  return dir;
}
