/**
 * Live delivery: anomaly → subscribed client latency with many subscribers under a
 * steady anomaly rate. The built server runs in a child process (as in production)
 * and this process holds every subscriber's WebSocket.
 *  - "published → client": the server's own bus publishes anomalies at the rate
 *    (bench/live-server.ts), so the numbers are the live path's alone; in memory,
 *    and through Redis when REDIS_URL is set.
 *  - "predict → client": anomalous records sent with `predict`, so detection and
 *    storage are included; latency runs from just before the request is sent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

const ROOT = path.resolve(__dirname, '..');
const PORT = 4708;
const URL = `http://127.0.0.1:${PORT}`;
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
/** Records per predict: 10 requests/s carry the rate. */
const BATCH = Number(process.env.BENCH_BATCH ?? 100);

const PREDICT = 'mutation($records: [TrafficRecordInput!]!) { predict(records: $records) { isAnomaly } }';
const SUBSCRIPTION = 'subscription { anomalyDetected { id time } }';

function attack(i: number, timestamp: string) {
  return { timestamp, srcIp: `203.0.113.${(i % 50) + 1}`, destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };
}

interface BenchServer {
  /** Asks the server to publish anomalies itself; resolves with how many it published. */
  publish(rate: number, seconds: number): Promise<number>;
  stop(): Promise<void>;
}

async function startServer(env: Record<string, string>): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'netsentinel-bench-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'live-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const message = <T>(type: string) => new Promise<T>((resolve) => child.on('message', (m: { type: string }) => m.type === type && resolve(m as T)));
  const ready = message('ready');
  await Promise.race([ready, exited.then(() => Promise.reject(new Error('bench server exited during start-up')))]);
  return {
    async publish(rate, seconds) {
      const done = message<{ published: number }>('done');
      child.send({ rate, seconds });
      return (await done).published;
    },
    async stop() {
      child.send({ type: 'stop' });
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function predict(records: unknown[]): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: PREDICT, variables: { records } }),
  });
  const body = (await res.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(`predict failed: ${JSON.stringify(body.errors)}`);
  return performance.now() - started;
}

interface Subscribers {
  latencies: number[];
  received: number;
  close(): Promise<void>;
}

/**
 * A minimal graphql-transport-ws subscriber: the protocol and one JSON.parse per
 * message, so the numbers are the server's rather than a client library's.
 */
function openSubscriber(onTime: (time: string) => void): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${PORT}/graphql`, 'graphql-transport-ws');
  ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { type: string; payload?: { data?: { anomalyDetected: { time: string } } } };
      if (msg.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION } }));
        resolve(ws);
      } else if (msg.type === 'next' && msg.payload?.data) {
        onTime(msg.payload.data.anomalyDetected.time);
      } else if (msg.type === 'ping') {
        ws.send('{"type":"pong"}');
      } else if (msg.type === 'error') {
        reject(new Error(JSON.stringify(msg)));
      }
    });
  });
}

async function subscribeAll(): Promise<Subscribers> {
  const state = { latencies: [] as number[], received: 0, warm: new Set<number>() };
  const sockets = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, (_, i) =>
      openSubscriber((time) => {
        state.warm.add(i);
        state.received++;
        state.latencies.push(Date.now() - Date.parse(time));
      }),
    ),
  );
  // Subscriptions register asynchronously: probe until every subscriber has heard one.
  for (let i = 0; state.warm.size < SUBSCRIBERS; i++) {
    if (i > 200) throw new Error(`only ${state.warm.size} of ${SUBSCRIBERS} subscribers are live`);
    await predict([attack(0, new Date().toISOString())]);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 500));
  state.latencies.length = 0;
  state.received = 0;
  return {
    get latencies() {
      return state.latencies;
    },
    get received() {
      return state.received;
    },
    close: async () => {
      await Promise.all(sockets.map((ws) => new Promise((r) => (ws.once('close', r), ws.close()))));
    },
  };
}

/** Sends RATE anomalies/s in batches on a fixed schedule, whatever each request's latency. */
async function sendLoad(): Promise<{ sent: number; requestMs: number[] }> {
  const requestMs: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const batches = Math.round((RATE * DURATION_S) / BATCH);
  const intervalMs = (1000 * BATCH) / RATE;
  const start = performance.now();
  for (let b = 0; b < batches; b++) {
    const due = start + b * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const timestamp = new Date().toISOString();
    const p: Promise<void> = predict(Array.from({ length: BATCH }, (_, i) => attack(b * BATCH + i, timestamp))).then((ms) => {
      requestMs.push(ms);
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return { sent: batches * BATCH, requestMs };
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function latencyColumns(latencies: number[], received: number, expected: number, seconds: number) {
  const lat = [...latencies].sort((a, b) => a - b);
  return {
    'deliveries/s': Math.round(received / seconds),
    'delivered %': Math.round((1000 * received) / expected) / 10,
    'p50 ms': quantile(lat, 0.5),
    'p99 ms': quantile(lat, 0.99),
    'max ms': lat[lat.length - 1],
  };
}

async function settle(subscribers: Subscribers, expected: number): Promise<void> {
  for (let i = 0; i < 100 && subscribers.received < expected; i++) await new Promise((r) => setTimeout(r, 50));
}

async function runCase(name: string, env: Record<string, string>, viaPredict: boolean): Promise<Record<string, unknown>> {
  const server = await startServer(env);
  try {
    const subscribers = await subscribeAll();
    const started = performance.now();
    let sent: number;
    let predictP99: number | undefined;
    if (viaPredict) {
      const load = await sendLoad();
      sent = load.sent;
      predictP99 = Math.round(quantile(load.requestMs.sort((a, b) => a - b), 0.99));
    } else {
      sent = await server.publish(RATE, DURATION_S);
    }
    const seconds = (performance.now() - started) / 1000;
    const expected = sent * SUBSCRIBERS;
    await settle(subscribers, expected);
    const row = {
      section: 'live',
      case: name,
      subscribers: SUBSCRIBERS,
      'anomalies/s': Math.round(sent / seconds),
      ...latencyColumns(subscribers.latencies, subscribers.received, expected, seconds),
      ...(predictP99 !== undefined && { 'predict p99 ms': predictP99 }),
    };
    await subscribers.close();
    return row;
  } finally {
    await server.stop();
  }
}

export async function benchLive(): Promise<Record<string, unknown>[]> {
  const rows = [await runCase('published → client, in memory', {}, false)];
  if (process.env.REDIS_URL) {
    rows.push(await runCase('published → client, through Redis', { EVENTS_PREFIX: `bench-${randomBytes(4).toString('hex')}:` }, false));
  }
  rows.push(await runCase(`predict → client (batches of ${BATCH})`, {}, true));
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
