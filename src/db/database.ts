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

/** Splits Prisma's `?schema=` parameter off, since pg would send it to the server as a setting. */
export function parseDatabaseUrl(url: string): { connectionString: string; schema: string } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? 'public';
  u.searchParams.delete('schema');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) throw new Error(`Invalid schema name in DATABASE_URL: ${schema}`);
  return { connectionString: u.toString(), schema };
}

export function connectDatabase(url: string, poolSize = 10): Database {
  const { connectionString, schema } = parseDatabaseUrl(url);
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
