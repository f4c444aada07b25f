/**
 * Soak: GraphQL `predict` at 80% of the measured maximum for 60 s against the
 * built server in its own process, sampling its resident memory every second.
 * Passes with zero errors and RSS growing less than 10% from the end of the
 * warm-up to the end of the run. RSS saw-tooths by tens of MB between V8's
 * major collections (the old space grows, then is collected), so each end is
 * the mean of a 15 s window of samples, not one reading.
 *
 * One client does both phases, so the 80% is of what this machine serves with
 * this client on it: the maximum is a closed loop (each connection sends its
 * next request when the last one is answered), the soak an open loop paced by
 * the clock (requests leave at the rate whatever the answers do, and latency
 * counts from when a request was due, so a stall is not hidden).
 * Env: SOAK_SECONDS (60), SOAK_WARMUP_SECONDS (20), SOAK_MAX_SECONDS (10).
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { BENCH_API_KEY, PREDICT, record, startServer } from './graphql.bench';

const PORT = 4707;
const BATCH = 100;
const CONNECTIONS = 8;
/** One request in ten carries one anomalous record: anomalies are stored and published as in real use. */
const ANOMALY_EVERY = 10;
const MAX_IN_FLIGHT = 64;
const TIMEOUT_MS = 10_000;
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const WARMUP_SECONDS = Number(process.env.SOAK_WARMUP_SECONDS ?? 20);
const MAX_SECONDS = Number(process.env.SOAK_MAX_SECONDS ?? 10);
const LOAD_SHARE = 0.8;
const RSS_GROWTH_LIMIT = 0.1;
/** One-second RSS samples averaged at each end: longer than a collection cycle at these rates. */
const RSS_WINDOW = 15;

const attack = { srcIp: '203.0.113.66', destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };

function body(withAnomaly: boolean): Buffer {
  const records = Array.from({ length: BATCH }, (_, i) => record(i));
  if (withAnomaly) records[BATCH - 1] = attack;
  return Buffer.from(JSON.stringify({ query: PREDICT, variables: { records } }));
}

interface Tally {
  ok: number;
  errors: number;
  firstError?: string;
  latencies: number[];
}

class Client {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  private readonly bodies = [body(false), body(true)];
  private sent = 0;

  /** Resolves when the server answered all the records; throws with what went wrong otherwise. */
  async predict(): Promise<void> {
    const payload = this.bodies[this.sent++ % ANOMALY_EVERY === 0 ? 1 : 0];
    const text = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: PORT, path: '/graphql', method: 'POST', agent: this.agent, timeout: TIMEOUT_MS, headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization: `Bearer ${BENCH_API_KEY}` } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString()) : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`))));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
    const answer = JSON.parse(text) as { data?: { predict?: unknown[] }; errors?: { message: string }[] };
    if (answer.errors) throw new Error(`GraphQL: ${answer.errors[0].message}`);
    if (answer.data?.predict?.length !== BATCH) throw new Error(`expected ${BATCH} predictions, got ${answer.data?.predict?.length}`);
  }

  close(): void {
    this.agent.destroy();
  }
}

function tallied(tally: Tally, due: number, outcome: Promise<void>): Promise<void> {
  return outcome.then(
    () => {
      tally.ok++;
      tally.latencies.push(performance.now() - due);
    },
    (err: Error) => {
      tally.errors++;
      tally.firstError ??= err.message;
    },
  );
}

/** Closed loop: CONNECTIONS requests always in flight; the answered rate is the maximum. */
async function measureMax(client: Client, seconds: number): Promise<number> {
  const tally: Tally = { ok: 0, errors: 0, latencies: [] };
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) await tallied(tally, performance.now(), client.predict());
    }),
  );
  if (tally.errors > 0) throw new Error(`errors while measuring the maximum: ${tally.errors} (${tally.firstError})`);
  return tally.ok / ((performance.now() - start) / 1000);
}

/** Open loop: request n is due at n / rate seconds; sent then, or as soon as fewer than MAX_IN_FLIGHT are out. */
async function paced(client: Client, rate: number, seconds: number, onSecond: () => void): Promise<Tally & { seconds: number }> {
  const tally: Tally = { ok: 0, errors: 0, latencies: [] };
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let nextSecond = 1;
  while (sent < total) {
    const elapsed = performance.now() - start;
    while (elapsed >= nextSecond * 1000) {
      onSecond();
      nextSecond++;
    }
    const due = Math.min(total, Math.floor((elapsed / 1000) * rate) + 1);
    for (; sent < due && inFlight.size < MAX_IN_FLIGHT; sent++) {
      const p = tallied(tally, start + (sent / rate) * 1000, client.predict()).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inFlight);
  if (nextSecond <= seconds) onSecond();
  return { ...tally, seconds: (performance.now() - start) / 1000 };
}

/** User + system CPU seconds the process has used (/proc/PID/stat fields 14 and 15, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const percentile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const round1 = (x: number) => Math.round(x * 10) / 10;

export async function benchSoak(): Promise<Record<string, unknown>[]> {
  const { child, cleanup } = await startServer();
  const client = new Client();
  try {
    const pid = child.pid!;
    const max = await measureMax(client, MAX_SECONDS);
    const rate = max * LOAD_SHARE;
    console.log(`soak: maximum ${max.toFixed(0)} requests/s (batch ${BATCH}); ${WARMUP_SECONDS} s warm-up then ${SOAK_SECONDS} s at ${rate.toFixed(0)} requests/s`);
    await paced(client, rate, WARMUP_SECONDS, () => undefined);
    const rss: number[] = [rssMb(pid)];
    const cpuBefore = cpuSeconds(pid);
    const run = await paced(client, rate, SOAK_SECONDS, () => {
      rss.push(rssMb(pid));
      if (rss.length % 10 === 1) console.log(`soak: ${rss.length - 1} s, server RSS ${rss.at(-1)!.toFixed(0)} MB`);
    });
    // Load-independent: what one request costs the server, however busy the machine is.
    const cpuMsPerRequest = ((cpuSeconds(pid) - cpuBefore) * 1000) / (run.ok + run.errors);
    const base = mean(rss.slice(0, RSS_WINDOW));
    const end = mean(rss.slice(-RSS_WINDOW));
    const growth = end / base - 1;
    const achieved = run.ok / run.seconds;
    const pass = run.errors === 0 && growth < RSS_GROWTH_LIMIT;
    if (!pass) process.exitCode = 1;
    if (run.firstError) console.log(`soak: first error: ${run.firstError}`);
    return [
      {
        section: 'soak',
        'max req/s': Math.round(max),
        'target req/s': Math.round(rate),
        'achieved req/s': Math.round(achieved),
        'records/s': Math.round(achieved * BATCH),
        seconds: Math.round(run.seconds),
        errors: run.errors,
        'p50 ms': round1(percentile(run.latencies, 0.5)),
        'p99 ms': round1(percentile(run.latencies, 0.99)),
        'server CPU ms/req': round1(cpuMsPerRequest),
        'RSS start MB': Math.round(base),
        'RSS end MB': Math.round(end),
        'RSS peak MB': Math.round(Math.max(...rss)),
        'RSS growth %': round1(growth * 100),
        pass: pass ? 'yes' : 'NO',
      },
    ];
  } finally {
    client.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await cleanup();
  }
}

if (require.main === module) {
  benchSoak().then((rows) => console.table(rows), (err) => {
    console.error(err);
    process.exit(1);
  });
}
