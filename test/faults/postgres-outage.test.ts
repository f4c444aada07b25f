import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AnomalyWriter } from '../../src/anomalies/anomaly.writer';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/server';
import { faultBinaries } from './helpers/fault-binaries';
import { eventually, FAULT_ADMIN_KEY, readyz, sleep, subscribeAnomalies, type LiveAnomalies } from './helpers/fault-client';
import { startPgCluster, type PgCluster } from './helpers/pg-cluster';
import { startPredictTraffic, type PredictTraffic } from './helpers/predict-traffic';

const bins = faultBinaries('the PostgreSQL outage tests');
const SCHEMA = 'faults';

(bins ? describe : describe.skip)('PostgreSQL down: detection goes on, anomalies are held and stored exactly once', () => {
  let cluster: PgCluster;
  let server: RunningServer;
  let traffic: PredictTraffic | undefined;
  let live: LiveAnomalies | undefined;

  beforeAll(async () => {
    cluster = await startPgCluster(bins!, 'pg-outage');
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_URL: cluster.url(SCHEMA),
      ADMIN_API_KEY: FAULT_ADMIN_KEY,
      // Quick retries and a short deadline, so the outages below fit in a test.
      ANOMALY_RETRY_MAX_MS: '500',
      DB_WRITE_TIMEOUT_MS: '1000',
      SHUTDOWN_TIMEOUT_MS: '3000',
    });
    server = await startServer(config, createLogger('silent'));
  }, 180_000);

  afterAll(async () => {
    await traffic?.stop();
    await live?.stop();
    await server?.stop();
    await cluster?.destroy();
  }, 60_000);

  async function countRows(): Promise<{ rows: number; uids: number; times: number }> {
    const client = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${cluster.port}/postgres` });
    await client.connect();
    try {
      const r = await client.query<{ rows: string; uids: string; times: string }>(
        `SELECT count(*) AS rows, count(DISTINCT uid) AS uids, count(DISTINCT "time") AS times FROM "${SCHEMA}"."Anomaly"`,
      );
      return { rows: Number(r.rows[0].rows), uids: Number(r.rows[0].uids), times: Number(r.rows[0].times) };
    } finally {
      await client.end();
    }
  }

  async function storedUids(): Promise<Set<string>> {
    const client = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${cluster.port}/postgres` });
    await client.connect();
    try {
      const r = await client.query<{ uid: string }>(`SELECT uid FROM "${SCHEMA}"."Anomaly"`);
      return new Set(r.rows.map((row) => row.uid));
    } finally {
      await client.end();
    }
  }

  it('keeps scoring through a clean stop, a crash and a freeze of PostgreSQL, and stores every anomaly once', async () => {
    expect((await readyz(server.url)).status).toBe('ready');
    const watchers = server.services.events.stats().active;
    live = subscribeAnomalies(server.url);
    await eventually('the live subscription', async () => server.services.events.stats().active, (n) => n > watchers);
    traffic = startPredictTraffic(server.url, { concurrency: 2, batch: 20 });
    await sleep(1_000);

    // 1. A clean stop: connections are refused while it is down.
    await cluster.stop('fast');
    const during = await eventually('anomalies held in memory', () => readyz(server.url), (r) => r.anomalyBuffer.buffered > 0);
    // Degraded is still 200: detection works (see health.routes.ts).
    expect(during).toMatchObject({ httpStatus: 200, status: 'degraded', database: 'down' });
    const heldIds = traffic.tally.anomalyIds.length;
    await sleep(1_500);
    // Answers went on, and their anomalies were published live with the ids predict gave.
    expect(traffic.tally.anomalyIds.length).toBeGreaterThan(heldIds);
    const lastAnswered = traffic.tally.anomalyIds[traffic.tally.anomalyIds.length - 1];
    await eventually('the live event of an anomaly held in memory', async () => live!.ids.includes(lastAnswered), Boolean);
    await cluster.start();
    await eventually('the held anomalies written', () => readyz(server.url), (r) => r.status === 'ready' && r.anomalyBuffer.buffered === 0);

    // 2. A crash (immediate shutdown, recovery on restart) mid-traffic.
    await sleep(500);
    await cluster.stop('immediate');
    await eventually('anomalies held in memory', () => readyz(server.url), (r) => r.anomalyBuffer.buffered > 0);
    await sleep(1_000);
    await cluster.start();
    await eventually('the held anomalies written', () => readyz(server.url), (r) => r.status === 'ready' && r.anomalyBuffer.buffered === 0);

    // 3. A freeze: writes under way neither fail nor finish, then finish late, after
    // their deadline sent the same anomalies to the buffer and its retries.
    await sleep(500);
    cluster.pause();
    try {
      await eventually('anomalies held in memory', async () => server.services.anomalyWriter.stats(), (s) => s.buffered > 0, 15_000);
      await sleep(1_500);
    } finally {
      cluster.resume();
    }
    await eventually('the held anomalies written', () => readyz(server.url), (r) => r.status === 'ready' && r.anomalyBuffer.buffered === 0);
    await sleep(500);

    const tally = await traffic.stop();
    traffic = undefined;
    await eventually('everything written', () => readyz(server.url), (r) => r.status === 'ready' && r.anomalyBuffer.buffered === 0);

    // Detection never failed a request.
    expect(tally.failures).toEqual([]);
    expect(tally.anomalies).toBeGreaterThan(100);
    const stats = server.services.anomalyWriter.stats();
    expect(stats.dropped).toBe(0);
    expect(stats.flushed).toBeGreaterThan(0);
    // Exactly once: as many rows as anomalies answered, no uid and no record (each has its own time) twice.
    const counts = await countRows();
    expect(counts).toEqual({ rows: tally.anomalies, uids: tally.anomalies, times: tally.anomalies });
    const stored = await storedUids();
    expect(tally.anomalyIds.filter((id) => !stored.has(id))).toEqual([]);
    // Every anomaly answered over GraphQL was also published, with the same id.
    const published = new Set(live.ids);
    expect(tally.anomalyIds.filter((id) => !published.has(id))).toEqual([]);
  }, 180_000);

  it('stores a batch sent again after an ambiguous failure only once', async () => {
    const before = await countRows();
    const profile = (await server.services.db.prisma.profile.findFirstOrThrow({ where: { name: 'default' } })).id;
    const row = {
      uid: '00000000-0000-4000-8000-000000000001',
      profileId: profile,
      time: new Date('2020-01-01T00:00:00Z'),
      record: {},
      score: 0.9,
      detectorScores: [],
      modelIds: [],
      explanation: [],
    };
    expect(await server.services.anomalies.insertMany([row])).toBe(1);
    // The retry of a write whose answer was lost: nothing new is stored.
    expect(await server.services.anomalies.insertMany([row, { ...row, uid: '00000000-0000-4000-8000-000000000002' }])).toBe(1);
    expect((await countRows()).rows).toBe(before.rows + 2);
  });

  it('holds at most ANOMALY_BUFFER_MAX anomalies, counts the rest, and drops what the database refuses', async () => {
    const writer = new AnomalyWriter(server.services.anomalies, { max: 5, retryMaxMs: 200, writeTimeoutMs: 1000 }, createLogger('silent'));
    const profileId = (await server.services.db.prisma.profile.findFirstOrThrow({ where: { name: 'default' } })).id;
    const row = (n: number, profile = profileId) => ({
      uid: randomUUID(),
      profileId: profile,
      time: new Date(Date.UTC(2021, 0, 1, 0, 0, n)),
      record: { n },
      score: 0.9,
      detectorScores: [],
      modelIds: [],
      explanation: [],
    });
    const before = (await countRows()).rows;
    await cluster.stop('fast');
    try {
      // A profile that does not exist: the database will refuse this one once it is back.
      await writer.write([row(0, randomUUID())]);
      await writer.write([1, 2, 3, 4, 5, 6, 7].map((n) => row(n)));
      expect(writer.stats()).toMatchObject({ buffered: 5, dropped: 3, database: 'down' });
    } finally {
      await cluster.start();
    }
    await eventually('the held anomalies written', async () => writer.stats(), (st) => st.buffered === 0);
    // The refused row alone is dropped (its batch is retried row by row), the good ones are stored.
    expect(writer.stats()).toMatchObject({ buffered: 0, dropped: 4, flushed: 4, database: 'ok' });
    await writer.write([row(8)]);
    expect((await countRows()).rows).toBe(before + 5);
    await writer.close(1000);
  }, 60_000);

  it('answers DATABASE_UNAVAILABLE (503) for what needs the database while it is down, and recovers', async () => {
    await cluster.stop('fast');
    try {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${FAULT_ADMIN_KEY}` },
        body: JSON.stringify({ query: '{ anomalies(first: 1) { nodes { id } } }' }),
      });
      const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(body.errors?.[0]?.extensions?.code).toBe('DATABASE_UNAVAILABLE');
      const ready = await readyz(server.url);
      expect(ready).toMatchObject({ httpStatus: 200, status: 'degraded', database: 'down' });
    } finally {
      await cluster.start();
    }
    await eventually('readiness back', () => readyz(server.url), (r) => r.status === 'ready');
  }, 60_000);
});
