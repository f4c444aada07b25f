import type pg from 'pg';
import type { TrafficRecord } from '../records/traffic-record';

// One JSON array per batch, split by PostgreSQL: a jsonb[] parameter makes the pg
// driver escape every element, which cost 2.4x a whole dataset import. A record
// without a timestamp is stored at $3 (now).
const INSERT_SQL = `
INSERT INTO "TrafficRecord" ("profileId", "time", "record", "label")
SELECT $1::uuid, to_timestamp(COALESCE((r->>'timestamp')::float8, $3) / 1000) AT TIME ZONE 'UTC', r, r->>'label'
FROM jsonb_array_elements($2::jsonb) AS r`;

export interface TrafficQuery {
  profileId: string;
  since?: Date;
  until?: Date;
  limit?: number;
}

/** Observations kept for training. Written and read in batches only. */
export class TrafficRepository {
  constructor(private readonly pool: pg.Pool) {}

  async insertMany(profileId: string, records: readonly TrafficRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const res = await this.pool.query(INSERT_SQL, [profileId, JSON.stringify(records), Date.now()]);
    return res.rowCount ?? 0;
  }

  async count(q: TrafficQuery): Promise<number> {
    const { where, params } = whereClause(q);
    const res = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM "TrafficRecord" WHERE ${where}`, params);
    const n = Number(res.rows[0].n);
    return q.limit !== undefined ? Math.min(n, q.limit) : n;
  }

  /** Keyset pagination by id: constant memory, and a re-run yields the same rows in the same order. */
  async *chunks(q: TrafficQuery, chunkSize = 5000): AsyncGenerator<TrafficRecord[]> {
    const { where, params } = whereClause(q);
    let lastId = '0';
    let remaining = q.limit ?? Infinity;
    while (remaining > 0) {
      const take = Math.min(chunkSize, remaining);
      const res = await this.pool.query<{ id: string; record: TrafficRecord }>(
        `SELECT id, record FROM "TrafficRecord" WHERE ${where} AND id > $${params.length + 1}
         ORDER BY id LIMIT $${params.length + 2}`,
        [...params, lastId, take],
      );
      if (res.rows.length === 0) return;
      lastId = String(res.rows[res.rows.length - 1].id);
      remaining -= res.rows.length;
      yield res.rows.map((r) => r.record);
    }
  }
}

function whereClause(q: TrafficQuery): { where: string; params: unknown[] } {
  const params: unknown[] = [q.profileId];
  const parts = ['"profileId" = $1'];
  if (q.since) {
    params.push(q.since.toISOString());
    parts.push(`"time" >= ($${params.length}::timestamptz AT TIME ZONE 'UTC')`);
  }
  if (q.until) {
    params.push(q.until.toISOString());
    parts.push(`"time" <= ($${params.length}::timestamptz AT TIME ZONE 'UTC')`);
  }
  return { where: parts.join(' AND '), params };
}
