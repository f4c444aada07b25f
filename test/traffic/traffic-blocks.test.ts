import { connectDatabase, type Database } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migrator';
import { RecordColumns } from '../../src/records/record-columns';
import type { TrafficRecord } from '../../src/records/traffic-record';
import { decodeBlock, encodeBlock } from '../../src/traffic/block.codec';
import { TrafficRepository } from '../../src/traffic/traffic.repository';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const T0 = Date.UTC(2026, 0, 1);
const NO_TIMESTAMP: TrafficRecord = { attributes: { note: 'no timestamp' }, label: 'x' };
const MINUTE = 60_000;

/** One packet a minute from T0, with a window attribute and, every 7th, a string one. */
function packets(from: number, count: number): TrafficRecord[] {
  return Array.from({ length: count }, (_, k): TrafficRecord => {
    const i = from + k;
    return {
      timestamp: T0 + i * MINUTE,
      srcIp: `10.0.0.${i % 250}`,
      destPort: 80 + (i % 3),
      protocol: 'TCP',
      packetSize: 40 + i,
      attributes: i % 7 === 0 ? { rate: i / 10, tag: `t${i % 3}` } : { rate: i / 10 },
    };
  });
}

async function all(repo: TrafficRepository, q: Parameters<TrafficRepository['chunks']>[0], chunk?: number): Promise<TrafficRecord[]> {
  const out: TrafficRecord[] = [];
  for await (const c of repo.chunks(q, chunk)) out.push(...c);
  return out;
}

describe('traffic blocks', () => {
  let tdb: TestDatabase;
  let db: Database;
  let repo: TrafficRepository;
  let profileId: string;
  beforeAll(async () => {
    tdb = await createTestDatabase('traffic_blocks');
    db = connectDatabase(tdb.url, 1);
    await applyMigrations(db.pool, db.schema);
    const site = await db.prisma.site.create({ data: { name: 'blocks' } });
    profileId = (await db.prisma.profile.create({ data: { siteId: site.id, name: 'p', detectors: [] } })).id;
    repo = new TrafficRepository(db.pool);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('codec: every column kind and dictionary width survives a round trip', async () => {
    const wide = Array.from({ length: 70_000 }, (_, i) => ({ attributes: { id: `k${i}`, small: `s${i % 3}`, mid: `m${i % 300}`, x: i % 5 === 0 ? 'five' : i } }));
    const batch = RecordColumns.fromRecords(wide);
    const back = await decodeBlock(await encodeBlock(batch));
    // Compared as text: a deep equality over 70,000 records takes seconds.
    expect(JSON.stringify(back.toRecords())).toBe(JSON.stringify(wide));
    expect(back.find('id', true)?.dict).toHaveLength(70_000);
  });

  it('stores a batch per block and reads back the records as written, in order', async () => {
    const records = [...packets(0, 100), NO_TIMESTAMP];
    expect(await repo.insertMany(profileId, records)).toBe(101);
    expect(await repo.insertMany(profileId, packets(100, 50))).toBe(50);
    expect(await repo.insertMany(profileId, [])).toBe(0);
    const back = await all(repo, { profileId });
    expect(back).toEqual([...records, ...packets(100, 50)]);
    expect(await repo.count({ profileId })).toBe(151);
    const blocks = await db.pool.query('SELECT "rows" FROM "TrafficBlock" WHERE "profileId" = $1 ORDER BY id', [profileId]);
    expect(blocks.rows.map((r: { rows: number }) => r.rows)).toEqual([101, 50]);
  });

  it('cuts blocks straddling since/until row by row, and applies limit across blocks', async () => {
    const since = new Date(T0 + 90 * MINUTE);
    const until = new Date(T0 + 120 * MINUTE);
    const window = await all(repo, { profileId, since, until });
    expect(window).toEqual(packets(90, 31));
    expect(await repo.count({ profileId, since, until })).toBe(31);
    // Without a timestamp, a record is at the time it was stored: after `since`.
    expect(await all(repo, { profileId, since, limit: 20 })).toEqual([...packets(90, 10), NO_TIMESTAMP, ...packets(100, 9)]);
    expect(await repo.count({ profileId, since, limit: 20 })).toBe(20);
    expect(await repo.count({ profileId, since: new Date(Date.now() - 3_600_000) })).toBe(1);
  });

  it('merges small blocks into chunks of at least chunkSize rows', async () => {
    const sizes: number[] = [];
    for await (const batch of repo.columnChunks({ profileId }, 120)) sizes.push(batch.rows);
    expect(sizes).toEqual([151]);
    const small: number[] = [];
    for await (const batch of repo.columnChunks({ profileId }, 10)) small.push(batch.rows);
    expect(small).toEqual([101, 50]);
  });

  it('still reads traffic stored one row per record before blocks, after the blocks', async () => {
    const old = { timestamp: T0, srcIp: '192.168.1.9', attributes: { legacy: 1 } };
    await db.pool.query(
      `INSERT INTO "TrafficRecord" ("profileId", "time", "record") VALUES ($1, to_timestamp($2::float8 / 1000) AT TIME ZONE 'UTC', $3)`,
      [profileId, T0, JSON.stringify(old)],
    );
    const back = await all(repo, { profileId });
    expect(back).toHaveLength(152);
    expect(back[151]).toEqual(old);
    expect(await repo.count({ profileId })).toBe(152);
    expect(await all(repo, { profileId, until: new Date(T0) })).toEqual([packets(0, 1)[0], old]);
  });
});
