/**
 * Prisma CLI configuration. Prisma 6 in its Rust-free mode ("js" engine with a
 * driver adapter) runs migrations with the Wasm schema engine bundled in the
 * `prisma` package, so nothing is downloaded (Prisma 7 cannot migrate offline).
 * The workarounds below belong to the CLI only; the app builds its own client.
 */
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

const TEXT_OID = 25;
// Catalog columns of type `name` (oid 19) and `"char"` (oid 18) make the adapter
// fail with "Column type 'name' could not be deserialized" (prisma#27403).
const CATALOG_TEXT_OIDS = new Set([18, 19]);

const configuredUrl = process.env.DATABASE_URL;
// `prisma generate` never connects, but with no URL at all Prisma 6 falls back to
// downloading a native query engine, which fails offline (a fresh `npm install`).
process.env.DATABASE_URL ??= 'postgresql://localhost/netsentinel-unset';

function cliPool(): pg.Pool {
  const url = configuredUrl;
  if (!url) throw new Error('DATABASE_URL is required for Prisma CLI commands that use the database');
  readCatalogNamesAsText();
  // A short idle timeout lets the CLI exit promptly instead of lingering ~10 s on the pool.
  return new pg.Pool({ connectionString: url, idleTimeoutMillis: 100, allowExitOnIdle: true });
}

/**
 * Retypes catalog columns as text in every pg client of this process (the
 * CLI's): `migrate diff` applies the migrations to a shadow database that the
 * adapter connects to with a pool of its own, so patching our pool was not enough.
 */
function readCatalogNamesAsText(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown; catalogNamesAsText?: boolean };
  if (proto.catalogNamesAsText) return;
  proto.catalogNamesAsText = true;
  const query = proto.query;
  const retype = (result: pg.QueryResult | undefined): void => {
    for (const field of result?.fields ?? []) {
      if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  };
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    const callback = args[args.length - 1];
    if (typeof callback === 'function') {
      args[args.length - 1] = (err: Error | null, result?: pg.QueryResult) => {
        retype(result);
        (callback as (err: Error | null, result?: pg.QueryResult) => void)(err, result);
      };
      return query.apply(this, args);
    }
    const pending = query.apply(this, args);
    if (!(pending instanceof Promise)) return pending;
    return pending.then((result: pg.QueryResult) => {
      retype(result);
      return result;
    });
  };
}

export default defineConfig({
  experimental: { adapter: true },
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  engine: 'js',
  async adapter() {
    return new PrismaPg(cliPool());
  },
});
