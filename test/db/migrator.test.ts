import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connectDatabase } from '../../src/db/database';
import { applyMigrations, MIGRATIONS_DIR } from '../../src/db/migrator';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

describe('applyMigrations', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('migrator');
  });
  afterAll(() => tdb.drop());

  it('applies every migration once, recorded the way prisma migrate deploy records it', async () => {
    const db = connectDatabase(tdb.url, 2);
    try {
      const first = await applyMigrations(db.pool, db.schema);
      expect(first.length).toBeGreaterThan(0);
      expect(await applyMigrations(db.pool, db.schema)).toEqual([]);
      const rows = await db.pool.query<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name',
      );
      const sql = readFileSync(path.join(MIGRATIONS_DIR, first[0], 'migration.sql'));
      expect(rows.rows[0]).toEqual({ migration_name: first[0], checksum: createHash('sha256').update(sql).digest('hex') });
      // The tables are usable through Prisma in that schema.
      await db.prisma.site.create({ data: { name: 'x' } });
      expect(await db.prisma.site.count()).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('enforces one active model per profile and detector', async () => {
    const db = connectDatabase(tdb.url, 2);
    try {
      const site = await db.prisma.site.create({ data: { name: 'one-active' } });
      const profile = await db.prisma.profile.create({ data: { siteId: site.id, name: 'p', detectors: [] } });
      const base = { profileId: profile.id, detector: 'd', params: {}, state: {}, threshold: 0, featureSpec: {}, metrics: {}, active: true };
      await db.prisma.model.create({ data: { ...base, version: 1 } });
      await expect(db.prisma.model.create({ data: { ...base, version: 2 } })).rejects.toThrow();
    } finally {
      await db.close();
    }
  });
});
