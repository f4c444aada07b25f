import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import pg from 'pg';

export interface Database {
  prisma: PrismaClient;
  /** The same pool Prisma uses; for bulk SQL that Prisma cannot express efficiently. */
  pool: pg.Pool;
  /** PostgreSQL schema holding the tables (Prisma's `?schema=` URL convention). */
  schema: string;
  close(): Promise<void>;
}

/**
 * Splits Prisma's URL parameters `schema` and `connection_limit` off, since pg
 * would send them to the server as settings.
 */
export function parseDatabaseUrl(url: string): { connectionString: string; schema: string; connectionLimit?: number } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? 'public';
  const limit = u.searchParams.get('connection_limit');
  u.searchParams.delete('schema');
  u.searchParams.delete('connection_limit');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) throw new Error(`Invalid schema name in DATABASE_URL: ${schema}`);
  if (limit !== null && !/^[1-9]\d*$/.test(limit)) throw new Error(`Invalid connection_limit in DATABASE_URL: ${limit}`);
  return { connectionString: u.toString(), schema, connectionLimit: limit === null ? undefined : Number(limit) };
}

export function connectDatabase(url: string, defaultPoolSize = 10): Database {
  const { connectionString, schema, connectionLimit } = parseDatabaseUrl(url);
  const poolSize = connectionLimit ?? defaultPoolSize;
  // Raw SQL uses unqualified names; the search path points it at the same schema Prisma uses.
  const options = schema === 'public' ? undefined : `-c search_path="${schema}"`;
  const pool = new pg.Pool({ connectionString, max: poolSize, options });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) });
  return {
    prisma,
    pool,
    schema,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
