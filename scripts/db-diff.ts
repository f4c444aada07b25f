/**
 * `npm run db:diff`: the SQL that would take a database built by
 * prisma/migrations to prisma/schema.prisma, "-- This is an empty migration."
 * when the two agree (exit code 2 when they do not). Prisma, run through a
 * driver adapter, applies the migrations to the database it is given, so
 * this makes a scratch database on DATABASE_URL's server for it and drops it
 * afterwards: the database DATABASE_URL names is never touched.
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('db:diff: set DATABASE_URL to a PostgreSQL server where a scratch database may be created');
    process.exitCode = 1;
    return;
  }
  const scratch = `netsentinel_diff_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratch}`);
  try {
    const target = new URL(url);
    target.pathname = `/${scratch}`;
    const args = ['prisma', 'migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema-datamodel', 'prisma/schema.prisma', '--script', '--exit-code'];
    const diff = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, DATABASE_URL: target.toString() } });
    process.exitCode = diff.status ?? 1;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
