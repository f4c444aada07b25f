import type { Prisma, PrismaClient } from '@prisma/client';
import type pg from 'pg';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';

export interface NewAnomaly {
  /**
   * Made by the detection service before the row exists: the anomaly's public id
   * from the start (predict's `anomalyId`, the live event), and what makes a
   * repeated insert of the same anomaly a no-op.
   */
  uid: string;
  profileId: string;
  time: Date;
  record: unknown;
  score: number;
  detectorScores: unknown;
  modelIds: string[];
  explanation: unknown;
  srcIp?: string;
  destIp?: string;
}

export interface AnomalyFilter {
  /** The profiles to list from: always given, so a site never reads another's anomalies. */
  profileIds: string[];
  since?: Date | null;
  until?: Date | null;
  minScore?: number | null;
  srcIp?: string | null;
  destIp?: string | null;
}

export type AnomalyRow = Prisma.AnomalyGetPayload<{ include: { profile: { select: { name: true } } } }>;

// One statement for the whole batch: unnest() turns parallel arrays into rows,
// ~10x faster than createMany (STACK.md). Times travel as UTC ISO strings because
// the column is a timestamp without time zone, as Prisma stores it.
// ON CONFLICT makes a batch safe to send again after an ambiguous failure (the
// connection dropped after the commit, a deadline passed): rows already stored
// are skipped, so each anomaly is stored exactly once.
const INSERT_SQL = `
INSERT INTO "Anomaly" ("uid", "profileId", "time", "record", "score", "detectorScores", "modelIds", "explanation", "srcIp", "destIp")
SELECT u, p, (t AT TIME ZONE 'UTC'), r, s, d, string_to_array(m, ','), e, si, di
FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::jsonb[], $5::float8[], $6::jsonb[], $7::text[], $8::jsonb[], $9::text[], $10::text[])
  AS x(u, p, t, r, s, d, m, e, si, di)
ON CONFLICT ("uid") DO NOTHING`;

export class AnomalyRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly pool: pg.Pool,
  ) {}

  /** Inserts a batch in one round trip; an anomaly already stored is skipped. Returns how many rows were new. */
  async insertMany(rows: readonly NewAnomaly[]): Promise<number> {
    if (rows.length === 0) return 0;
    const res = await this.pool.query(INSERT_SQL, [
      rows.map((r) => r.uid),
      rows.map((r) => r.profileId),
      rows.map((r) => r.time.toISOString()),
      rows.map((r) => JSON.stringify(r.record)),
      rows.map((r) => r.score),
      rows.map((r) => JSON.stringify(r.detectorScores)),
      rows.map((r) => r.modelIds.join(',')),
      rows.map((r) => JSON.stringify(r.explanation)),
      rows.map((r) => r.srcIp ?? null),
      rows.map((r) => r.destIp ?? null),
    ]);
    return res.rowCount ?? 0;
  }

  /** Newest first, keyset pagination on (time, id) so pages stay stable while anomalies arrive. */
  async list(filter: AnomalyFilter, first: number, after?: string): Promise<{ rows: AnomalyRow[]; hasNextPage: boolean }> {
    // GraphQL sends null for a variable that was declared but not given: null means "no filter" here,
    // never Prisma's "IS NULL".
    const where: Prisma.AnomalyWhereInput = {
      profileId: { in: filter.profileIds },
      srcIp: filter.srcIp ?? undefined,
      destIp: filter.destIp ?? undefined,
      score: filter.minScore != null ? { gte: filter.minScore } : undefined,
      time: filter.since || filter.until ? { gte: filter.since ?? undefined, lte: filter.until ?? undefined } : undefined,
    };
    const cursor = after ? decodeCursor(after) : undefined;
    const page: Prisma.AnomalyWhereInput = cursor
      ? { OR: [{ time: { lt: cursor.time } }, { time: cursor.time, id: { lt: cursor.id } }] }
      : {};
    const rows = await this.prisma.anomaly.findMany({
      where: { AND: [where, page] },
      orderBy: [{ time: 'desc' }, { id: 'desc' }],
      take: first + 1,
      include: { profile: { select: { name: true } } },
    });
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }
}

export function encodeCursor(row: { time: Date; id: bigint }): string {
  return Buffer.from(`${row.time.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { time: Date; id: bigint } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const time = new Date(iso);
  if (!id || !/^\d+$/.test(id) || Number.isNaN(time.getTime())) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'Invalid pagination cursor', { field: 'after' });
  }
  return { time, id: BigInt(id) };
}
