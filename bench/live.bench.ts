/**
 * Live delivery: anomaly → subscribed client latency with many subscribers under a
 * steady anomaly rate. The built server runs in a process of its own (as in
 * production); this process holds every subscriber's WebSocket
 * (bench/live-subscriber.ts) and the load.
 * Latency runs from the moment the server publishes the anomaly (stored, with its
 * id) to its arrival at each subscriber, on the wall clock both processes share.
 *  - "published → client": the server's own bus publishes anomalies at the rate
 *    (bench/live-server.ts), so the numbers are the live path's alone; in memory,
 *    and through Redis when REDIS_URL is set.
 *  - "predict → client": anomalous records sent with `predict`, so detection and
 *    storage load the server too; "from request" also counts them, from just
 *    before the request is sent.
 * The subscription selects what the dashboard's live feed selects. Uses DATABASE_URL
 * (a fresh schema) when set, otherwise the embedded database, which runs inside
 * the server's process and so competes with delivery for its event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl } from '../src/db/database';
import { cpuMs, wallClock, type Reply, type Request } from './live-server';
import { openSubscriber } from './live-subscriber';

const ROOT = path.resolve(__dirname, '..');
const PORT = 4708;
const BASE_URL = `http://127.0.0.1:${PORT}`;
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
/** Load before the measured run, not counted: the server's hot paths are compiled by then, as in a server that has been up a while. */
const WARMUP_S = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
/** Records per predict: RATE / BATCH requests a second carry the rate. */
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
/** Extra node flags for the server process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

const PREDICT = 'mutation($records: [TrafficRecordInput!]!) { predict(records: $records) { isAnomaly } }';
/** The dashboard's live feed (src/dashboard/api/operations.ts). */
const SUBSCRIPTION =
  'subscription { anomalyDetected { id profile time score srcIp destIp srcPort destPort protocol explanation { feature value typical message } } }';

function attack(i: number, timestamp: string) {
  return { timestamp, srcIp: `203.0.113.${(i % 50) + 1}`, destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };
}

interface BenchServer {
  /** Asks the server to publish anomalies itself; resolves with how many it published. */
  publish(rate: number, seconds: number): Promise<number>;
  /** When each anomaly published since the last call was published (wall clock, ms); the server's CPU time and dropped events so far. */
  stamps(): Promise<{ stamps: Map<string, number>; cpuMs: number; dropped: number }>;
  stop(): Promise<void>;
}

/** A schema of its own on DATABASE_URL, so every run starts from a freshly trained default profile. */
function benchDatabaseUrl(): string | undefined {
  if (!process.env.DATABASE_URL) return undefined;
  const url = new URL(process.env.DATABASE_URL);
  url.searchParams.set('schema', `bench_live_${process.pid}_${Date.now()}`);
  return url.toString();
}

async function dropSchema(databaseUrl: string): Promise<void> {
  const { connectionString, schema } = parseDatabaseUrl(databaseUrl);
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

async function startServer(env: Record<string, string>): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'netsentinel-bench-'));
  const databaseUrl = benchDatabaseUrl();
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_ARGS, '--import', 'tsx', path.join(__dirname, 'live-server.ts')], {
    cwd: ROOT,
    // Subscribers and load come from loopback: no API keys to manage.
    env: {
      ...process.env,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      AUTH: 'off',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      ...(databaseUrl && { DATABASE_URL: databaseUrl }),
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const reply = <T extends Reply['type']>(type: T) =>
    new Promise<Extract<Reply, { type: T }>>((resolve) => {
      const onMessage = (m: Reply) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        resolve(m as Extract<Reply, { type: T }>);
      };
      child.on('message', onMessage);
    });
  const request = (msg: Request) => child.send(msg);
  const ready = reply('ready');
  await Promise.race([ready, exited.then(() => Promise.reject(new Error('bench server exited during start-up')))]);
  return {
    async publish(rate, seconds) {
      const done = reply('published');
      request({ type: 'publish', rate, seconds });
      return (await done).count;
    },
    async stamps() {
      const got = reply('stamps');
      request({ type: 'stamps' });
      const { ids, times, cpuMs, dropped } = await got;
      return { stamps: new Map(ids.map((id, i) => [id, times[i]])), cpuMs, dropped };
    },
    async stop() {
      request({ type: 'stop' });
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl) await dropSchema(databaseUrl);
    },
  };
}

async function predict(records: unknown[]): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${BASE_URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: PREDICT, variables: { records } }),
  });
  const body = (await res.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(`predict failed: ${JSON.stringify(body.errors)}`);
  return performance.now() - started;
}

interface Anomaly {
  id: string;
  time: string;
}

/** Arrivals per anomaly id: the anomaly's `time` and when each subscriber got it. */
type Receipts = Map<string, { time: string; at: number[] }>;

interface Subscribers {
  receipts: Receipts;
  received: number;
  /** Forgets what has arrived so far. */
  reset(): void;
  close(): Promise<void>;
}

/** The anomaly in a `next` message, checked for the fields the dashboard shows. */
function parseAnomaly(message: Buffer): Anomaly {
  const msg = JSON.parse(String(message)) as { type: string; payload: { data: { anomalyDetected: Anomaly & { explanation: unknown[] } } } };
  const a = msg.payload.data.anomalyDetected;
  if (msg.type !== 'next' || typeof a.time !== 'string' || !Array.isArray(a.explanation)) throw new Error(`unexpected message: ${String(message)}`);
  return a;
}

async function subscribeAll(): Promise<Subscribers> {
  let receipts: Receipts = new Map();
  let received = 0;
  const warm = new Set<number>();
  const sockets = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, (_, i) =>
      openSubscriber(PORT, SUBSCRIPTION, (id, message) => {
        const at = wallClock();
        warm.add(i);
        received++;
        const r = receipts.get(id);
        if (r) r.at.push(at);
        else receipts.set(id, { time: parseAnomaly(message).time, at: [at] });
      }),
    ),
  );
  // Subscriptions register asynchronously: probe until every subscriber has heard one.
  for (let i = 0; warm.size < SUBSCRIBERS; i++) {
    if (i > 200) throw new Error(`only ${warm.size} of ${SUBSCRIBERS} subscribers are live`);
    await predict([attack(0, new Date().toISOString())]);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 500));
  const subscribers: Subscribers = {
    get receipts() {
      return receipts;
    },
    get received() {
      return received;
    },
    reset() {
      receipts = new Map();
      received = 0;
    },
    close: async () => {
      await Promise.all(sockets.map((s) => s.close()));
    },
  };
  subscribers.reset();
  return subscribers;
}

/** Sends RATE anomalies/s in batches on a fixed schedule, whatever each request's latency. */
async function sendLoad(seconds: number): Promise<{ requestMs: number[]; failed: number }> {
  const requestMs: number[] = [];
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const batches = Math.round((RATE * seconds) / BATCH);
  const intervalMs = (1000 * BATCH) / RATE;
  const start = performance.now();
  for (let b = 0; b < batches; b++) {
    const due = start + b * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const timestamp = new Date().toISOString();
    const p: Promise<void> = predict(Array.from({ length: BATCH }, (_, i) => attack(b * BATCH + i, timestamp)))
      .then(
        (ms) => void requestMs.push(ms),
        (err: Error) => {
          if (failed++ === 0) console.error(`predict failed (counted, load goes on): ${String((err.cause as Error | undefined)?.message ?? err.message)}`);
        },
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return { requestMs, failed };
}

function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/** p50, p99 and max of arrival − start, over every arrival whose anomaly has a start. */
function latency(receipts: Receipts, start: (id: string, time: string) => number | undefined, label = '') {
  const all: number[] = [];
  for (const [id, r] of receipts) {
    const t0 = start(id, r.time);
    if (t0 !== undefined) for (const at of r.at) all.push(at - t0);
  }
  const sorted = Float64Array.from(all).sort();
  return {
    [`p50${label} ms`]: round1(quantile(sorted, 0.5)),
    [`p99${label} ms`]: round1(quantile(sorted, 0.99)),
    [`max${label} ms`]: round1(sorted[sorted.length - 1]),
  };
}

async function settle(subscribers: Subscribers, expected: number): Promise<void> {
  for (let i = 0; i < 100 && subscribers.received < expected; i++) await new Promise((r) => setTimeout(r, 50));
}

async function runCase(name: string, env: Record<string, string>, viaPredict: boolean): Promise<Record<string, unknown>> {
  const server = await startServer(env);
  try {
    const subscribers = await subscribeAll();
    const run = (seconds: number) => (viaPredict ? sendLoad(seconds) : server.publish(RATE, seconds));
    if (WARMUP_S > 0) {
      await run(WARMUP_S);
      await settle(subscribers, (await server.stamps()).stamps.size * SUBSCRIBERS);
      subscribers.reset();
    }
    const before = await server.stamps();
    const clientCpu0 = cpuMs();
    const started = performance.now();
    const load = await run(DURATION_S);
    const loadSeconds = (performance.now() - started) / 1000;
    // Every anomaly the server published during the run, and when.
    const { stamps } = await server.stamps();
    const expected = stamps.size * SUBSCRIBERS;
    await settle(subscribers, expected);
    const seconds = (performance.now() - started) / 1000;
    const after = await server.stamps();
    const serverCpu = after.cpuMs - before.cpuMs;
    const clientCpu = cpuMs() - clientCpu0;
    const { receipts, received } = subscribers;
    const row = {
      section: 'live',
      case: name,
      subscribers: SUBSCRIBERS,
      'anomalies/s': Math.round(stamps.size / loadSeconds),
      'deliveries/s': Math.round(received / seconds),
      'delivered %': Math.round((1000 * received) / expected) / 10,
      // By the server, from subscribers' full buffers (a client that could not keep up).
      dropped: after.dropped - before.dropped,
      ...latency(receipts, (id) => stamps.get(id)),
      // Share of one core while the anomalies were sent and delivered: the headroom left.
      'server CPU %': Math.round(serverCpu / seconds / 10),
      'client CPU %': Math.round(clientCpu / seconds / 10),
      // What one delivery costs the server, whatever else runs on the machine.
      'server µs/delivery': round1((1000 * serverCpu) / received),
      ...(typeof load === 'object' && {
        ...latency(receipts, (_id, time) => Date.parse(time), ' from request'),
        'predict p99 ms': Math.round(quantile(load.requestMs.sort((a, b) => a - b), 0.99)),
        'predict errors': load.failed,
      }),
    };
    await subscribers.close();
    return row;
  } finally {
    await server.stop();
  }
}

/** BENCH_LIVE_CASES picks cases (memory, redis, predict); all by default, redis only with REDIS_URL. */
export async function benchLive(): Promise<Record<string, unknown>[]> {
  const wanted = new Set((process.env.BENCH_LIVE_CASES ?? 'memory,redis,predict').split(','));
  const rows = [];
  if (wanted.has('memory')) rows.push(await runCase('published → client, in memory', {}, false));
  if (wanted.has('redis') && process.env.REDIS_URL) {
    rows.push(await runCase('published → client, through Redis', { EVENTS_PREFIX: `bench-${randomBytes(4).toString('hex')}:` }, false));
  }
  if (wanted.has('predict')) rows.push(await runCase(`predict → client (batches of ${BATCH})`, {}, true));
  return rows;
}

if (require.main === module) {
  benchLive().then(
    (rows) => console.table(rows),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
