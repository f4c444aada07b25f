import http from 'node:http';
import pg from 'pg';
import { startServerProcess, type ServerProcess } from '../live/helpers/server-process';
import { faultBinaries } from './helpers/fault-binaries';
import { eventually, FAULT_ADMIN_KEY, readyz, sleep, subscribeAnomalies, type LiveAnomalies } from './helpers/fault-client';
import { startPgCluster, type PgCluster } from './helpers/pg-cluster';

const bins = faultBinaries('the SIGTERM drain tests');

const ATTACK = { srcIp: '203.0.113.66', destIp: '192.168.1.20', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };
const NORMAL = { srcIp: '192.168.1.20', destIp: '192.168.1.1', srcPort: 50000, destPort: 53, protocol: 'UDP', packetSize: 80 };
const PREDICT = 'mutation($r: [TrafficRecordInput!]!) { predict(records: $r) { isAnomaly anomalyId } }';

interface Answer {
  status: number;
  body: string;
  /** When the answer was complete (Date.now()). */
  at: number;
}

/**
 * A POST whose body is handed to the socket before `sent` resolves: once it
 * has, the request is the server's to answer, whatever happens next.
 */
function post(url: string, path: string, payload: unknown): { sent: Promise<void>; answer: Promise<Answer> } {
  const body = JSON.stringify(payload);
  let sent!: () => void;
  const wasSent = new Promise<void>((resolve) => (sent = resolve));
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = http.request(`${url}${path}`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${FAULT_ADMIN_KEY}` },
    });
    req.once('finish', sent);
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), at: Date.now() }));
      res.once('error', reject);
    });
    req.end(body);
  });
  // Awaited later, after the signal: a failure then is the test's to report, not an unhandled rejection now.
  answer.catch(() => undefined);
  return { sent: wasSent, answer };
}

function exitOf(server: ServerProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

(bins ? describe : describe.skip)('SIGTERM drains the server', () => {
  let cluster: PgCluster;
  const children: ServerProcess[] = [];
  const subscribers: LiveAnomalies[] = [];

  beforeAll(async () => {
    cluster = await startPgCluster(bins!, 'drain');
  }, 120_000);

  afterAll(async () => {
    for (const s of subscribers) await s.stop().catch(() => undefined);
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await cluster?.destroy();
  }, 60_000);

  async function start(schema: string, env: Record<string, string> = {}): Promise<ServerProcess> {
    const server = await startServerProcess(
      {
        DATABASE_URL: cluster.url(schema),
        // Its own PostgreSQL only: no Redis the environment may name.
        REDIS_URL: '',
        ADMIN_API_KEY: FAULT_ADMIN_KEY,
        // As deployed (jest sets NODE_ENV=test, under which Apollo installs no signal handlers of its own).
        NODE_ENV: 'production',
        EVENTS_BUFFER: '100000',
        ...env,
      },
      120_000,
    );
    children.push(server);
    return server;
  }

  async function storedUids(schema: string): Promise<string[]> {
    const client = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${cluster.port}/postgres` });
    await client.connect();
    try {
      return (await client.query<{ uid: string }>(`SELECT uid FROM "${schema}"."Anomaly"`)).rows.map((r) => r.uid);
    } finally {
      await client.end();
    }
  }

  it('answers the batches under way, stores their anomalies, closes subscribers with 1001 and exits 0', async () => {
    const server = await start('drain_inflight');
    const live = subscribeAnomalies(server.url);
    subscribers.push(live);
    await live.connected;
    // The subscription itself is registered right after the connection: give it a moment.
    await sleep(300);

    const records = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? ATTACK : NORMAL));
    const seed = (n: number) =>
      records(n).map((r) => ({ src_ip: r.srcIp, dest_ip: r.destIp, src_port: r.srcPort, dest_port: r.destPort, protocol: r.protocol, packet_size: r.packetSize }));
    const requests = [
      post(server.url, '/graphql', { query: PREDICT, variables: { r: records(2000) } }),
      post(server.url, '/predict', seed(2000)),
      post(server.url, '/graphql', { query: PREDICT, variables: { r: records(2000) } }),
      post(server.url, '/predict', seed(2000)),
    ];
    await Promise.all(requests.map((r) => r.sent));
    await sleep(50);
    const exited = exitOf(server);
    const signalled = Date.now();
    server.child.kill('SIGTERM');

    // No new connections from now on (or, on a connection still open, 503).
    await sleep(200);
    const late = await fetch(`${server.url}/readyz`).then(
      (res) => res.status,
      () => 'refused' as const,
    );
    expect([503, 'refused']).toContain(late);

    const answers = await Promise.all(requests.map((r) => r.answer));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    // At least one batch was still under way when the signal came.
    expect(Math.max(...answers.map((a) => a.at))).toBeGreaterThan(signalled);
    expect(await exited).toEqual({ code: 0, signal: null });

    let anomalies = 0;
    const ids: string[] = [];
    for (const a of answers) {
      const json = JSON.parse(a.body) as { data?: { predict: { isAnomaly: boolean; anomalyId: string }[] }; prediction?: number[] };
      if (json.data) {
        for (const p of json.data.predict.filter((x) => x.isAnomaly)) ids.push(p.anomalyId);
        anomalies += json.data.predict.filter((x) => x.isAnomaly).length;
      } else {
        anomalies += json.prediction!.filter((p) => p === -1).length;
      }
    }
    expect(anomalies).toBeGreaterThan(0);
    const stored = await storedUids('drain_inflight');
    expect(stored).toHaveLength(anomalies);
    const storedSet = new Set(stored);
    expect(ids.filter((id) => !storedSet.has(id))).toEqual([]);
    // Subscribers heard every anomaly of the last batches, then were told the server is going away.
    expect(live.ids).toHaveLength(anomalies);
    expect(live.closeCodes).toEqual([1001]);
  }, 180_000);

  it('writes anomalies held during a database outage before it exits', async () => {
    const server = await start('drain_held', { ANOMALY_RETRY_MAX_MS: '300', SHUTDOWN_TIMEOUT_MS: '30000' });
    const attack = async () => {
      const { answer } = post(server.url, '/graphql', { query: PREDICT, variables: { r: [ATTACK, ATTACK, NORMAL] } });
      const a = await answer;
      expect(a.status).toBe(200);
      return (JSON.parse(a.body) as { data: { predict: { anomalyId: string | null }[] } }).data.predict.flatMap((p) => (p.anomalyId ? [p.anomalyId] : []));
    };
    const ids = [...(await attack())];
    await cluster.stop('fast');
    let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
    try {
      ids.push(...(await attack()), ...(await attack()));
      expect(await readyz(server.url)).toMatchObject({ status: 'degraded', anomalyBuffer: { buffered: 4 } });
      exited = exitOf(server);
      server.child.kill('SIGTERM');
      // It waits for the database rather than exit with anomalies in memory.
      await sleep(1_500);
      expect(server.child.exitCode).toBeNull();
    } finally {
      await cluster.start();
    }
    expect(await eventually('the server to exit', async () => server.child.exitCode, (c) => c !== null, 30_000)).toBe(0);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect((await storedUids('drain_held')).sort()).toEqual([...ids].sort());
  }, 180_000);
});
