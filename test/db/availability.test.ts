import { GraphQLError } from 'graphql';
import { connectDatabase } from '../../src/db/database';
import { isDatabaseUnavailable, withDeadline } from '../../src/db/availability';
import { freePort } from '../faults/helpers/free-port';
import { createTestDatabase } from '../helpers/test-database';

describe('database availability', () => {
  it('recognises an unreachable server through pg, Prisma and a GraphQL wrapper', async () => {
    // Nothing listens there: the errors are the real ones each client gives.
    const db = connectDatabase(`postgresql://postgres@127.0.0.1:${await freePort()}/postgres`);
    try {
      const fromPg: unknown = await db.pool.query('SELECT 1').catch((e: unknown) => e);
      const fromPrisma: unknown = await db.prisma.site.findMany().catch((e: unknown) => e);
      const fromRaw: unknown = await db.prisma.$queryRawUnsafe('SELECT 1').catch((e: unknown) => e);
      for (const err of [fromPg, fromPrisma, fromRaw]) {
        expect(err).toHaveProperty('message', expect.any(String));
        expect(isDatabaseUnavailable(err)).toBe(true);
        expect(isDatabaseUnavailable(new GraphQLError('wrapped', { originalError: err as Error }))).toBe(true);
      }
    } finally {
      await db.close();
    }
  });

  it('does not take a statement the database refused for an outage', async () => {
    const tdb = await createTestDatabase('availability');
    const db = connectDatabase(tdb.url, 1);
    try {
      const syntax: unknown = await db.pool.query('SELEC 1').catch((e: unknown) => e);
      const division: unknown = await db.prisma.$queryRawUnsafe('SELECT 1/0').catch((e: unknown) => e);
      for (const err of [syntax, division]) {
        expect(err).toHaveProperty('message', expect.any(String));
        expect(isDatabaseUnavailable(err)).toBe(false);
      }
      expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
      expect(isDatabaseUnavailable(undefined)).toBe(false);
    } finally {
      await db.close();
      await tdb.drop();
    }
  });

  it('gives up on an operation that does not answer with DATABASE_UNAVAILABLE', async () => {
    const never = new Promise<never>(() => undefined);
    const err: unknown = await withDeadline(never, 20, 'a probe').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    expect(isDatabaseUnavailable(err)).toBe(true);
    await expect(withDeadline(Promise.resolve(42), 1_000, 'a probe')).resolves.toBe(42);
  });
});
