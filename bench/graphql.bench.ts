/**
 * GraphQL `predict` throughput over loopback: the built server runs in a child
 * process (as in production) and wrk drives it with several connections.
 * Uses DATABASE_URL when set, otherwise the embedded database in a temp dir.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl } from '../src/db/database';

const ROOT = path.resolve(__dirname, '..');
const PORT = 4707;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 8;

/** The bench server's root key (ADMIN_API_KEY), sent as a Bearer token. */
export const BENCH_API_KEY = 'nsk_bench_only_not_a_secret_0001';

export const PREDICT = 'mutation($records: [TrafficRecordInput!]!) { predict(records: $records) { score isAnomaly } }';

export function record(i: number) {
  return { srcIp: `192.168.0.${(i % 200) + 2}`, destIp: '142.250.1.1', srcPort: 40000 + (i % 20000), destPort: 443, protocol: 'TCP', packetSize: 60 + (i % 1400) };
}

/** A schema of its own on DATABASE_URL, so every run measures a freshly trained default profile. */
function benchDatabaseUrl(): string | undefined {
  if (!process.env.DATABASE_URL) return undefined;
  const url = new URL(process.env.DATABASE_URL);
  url.searchParams.set('schema', `bench_${process.pid}_${Date.now()}`);
  return url.toString();
}

export async function startServer(): Promise<{ child: ChildProcess; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'netsentinel-bench-'));
  const databaseUrl = benchDatabaseUrl();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), 'serve'], {
    // Rate limiting off: one key sends everything here, and the server's capacity is what is measured.
    env: {
      ...process.env,
      PORT: String(PORT),
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      ADMIN_API_KEY: BENCH_API_KEY,
      RATE_LIMIT_PER_SECOND: '0',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    const up = await fetch(`http://127.0.0.1:${PORT}/readyz`).then((r) => r.ok, () => false);
    if (up) return { child, cleanup: () => cleanup(dataDir, databaseUrl) };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('server did not become ready');
}

async function cleanup(dataDir: string, databaseUrl?: string): Promise<void> {
  rmSync(dataDir, { recursive: true, force: true });
  if (!databaseUrl) return;
  const { connectionString, schema } = parseDatabaseUrl(databaseUrl);
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

/**
 * wrk (Debian package `wrk`) drives the load: a load generator written in C
 * leaves the 2 cores to the server, where a Node client would take half.
 */
async function load(batch: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'netsentinel-wrk-'));
  const body = JSON.stringify({ query: PREDICT, variables: { records: Array.from({ length: batch }, (_, i) => record(i)) } });
  writeFileSync(path.join(dir, 'body.json'), body);
  writeFileSync(
    path.join(dir, 'post.lua'),
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer ${BENCH_API_KEY}"\nlocal f = io.open("${path.join(dir, 'body.json')}", "r")\nwrk.body = f:read("*a")\nf:close()\n`,
  );
  try {
    const out = execFileSync('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${DURATION_S}s`, '--latency', '-s', path.join(dir, 'post.lua'), `http://127.0.0.1:${PORT}/graphql`], { encoding: 'utf8' });
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
    return {
      section: 'graphql',
      case: `predict batch ${batch}`,
      'requests/s': Math.round(rps),
      'records/s': Math.round(rps * batch),
      'p50 ms': latencyMs(out, '50%'),
      'p99 ms': latencyMs(out, '99%'),
      errors: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** wrk prints percentiles as e.g. "99%   38.12ms" or "1.02s". */
function latencyMs(out: string, percentile: string): number {
  const m = new RegExp(`${percentile}\\s+([\\d.]+)(us|ms|s)`).exec(out);
  if (!m) return NaN;
  const factor = { us: 0.001, ms: 1, s: 1000 }[m[2] as 'us' | 'ms' | 's'];
  return Math.round(Number(m[1]) * factor * 10) / 10;
}

export async function benchGraphql(): Promise<Record<string, unknown>[]> {
  const { child, cleanup: clean } = await startServer();
  try {
    const rows = [];
    for (const batch of [1, 100, 1000]) rows.push(await load(batch));
    return rows;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await clean();
  }
}

if (require.main === module) {
  benchGraphql().then((rows) => console.table(rows), (err) => {
    console.error(err);
    process.exit(1);
  });
}
