import type pg from 'pg';
import { RecordColumns } from '../records/record-columns';
import type { TrafficRecord } from '../records/traffic-record';
import { decodeBlock, encodeBlock } from './block.codec';

export interface TrafficQuery {
  profileId: string;
  since?: Date;
  until?: Date;
  limit?: number;
}

// Record times are epoch ms; the span is widened to whole milliseconds so that
// "the block lies inside [since, until]" never wrongly skips the per-row check.
const INSERT_BLOCK = `
INSERT INTO "TrafficBlock" ("profileId", "firstTime", "lastTime", "storedAt", "rows", "data")
VALUES ($1::uuid, to_timestamp(floor($2::float8) / 1000) AT TIME ZONE 'UTC', to_timestamp(ceil($3::float8) / 1000) AT TIME ZONE 'UTC',
        to_timestamp($4::float8 / 1000) AT TIME ZONE 'UTC', $5, $6)`;

/** Blocks fetched per round trip while reading: a few MB decoded at most. */
const BLOCKS_PER_QUERY = 8;

interface BlockRow {
  stored_at: number;
  inside: boolean;
  data: Buffer;
}

/**
 * Observations kept for training, written and read in batches only. Each
 * written batch is one TrafficBlock row holding its records column by column
 * (block.codec.ts); rows of the older one-record-per-row table TrafficRecord
 * are still read, after the blocks.
 */
export class TrafficRepository {
  constructor(private readonly pool: pg.Pool) {}

  async insertMany(profileId: string, records: readonly TrafficRecord[]): Promise<number> {
    return this.insertColumns(profileId, RecordColumns.fromRecords(records));
  }

  /** Stores a batch as one block; records without a timestamp are stored at the current time. */
  async insertColumns(profileId: string, batch: RecordColumns): Promise<number> {
    if (batch.rows === 0) return 0;
    const storedAt = Date.now();
    const times = batch.find('timestamp', false)?.numbers ?? null;
    let first = Infinity;
    let last = -Infinity;
    for (let i = 0; i < batch.rows; i++) {
      const t = times === null || Number.isNaN(times[i]) ? storedAt : times[i];
      if (t < first) first = t;
      if (t > last) last = t;
    }
    const data = await encodeBlock(batch);
    await this.pool.query(INSERT_BLOCK, [profileId, first, last, storedAt, batch.rows, data]);
    return batch.rows;
  }

  async count(q: TrafficQuery): Promise<number> {
    const { where, params } = blockWhere(q);
    const res = await this.pool.query<{ n: string; partial: string[] | null }>(
      `SELECT coalesce(sum("rows") FILTER (WHERE ${inside(q)}), 0) AS n,
              array_agg(id) FILTER (WHERE NOT (${inside(q)})) AS partial
       FROM "TrafficBlock" WHERE ${where}`,
      params,
    );
    let n = Number(res.rows[0].n);
    // Blocks straddling since/until are counted row by row.
    for (const id of res.rows[0].partial ?? []) {
      const block = await this.pool.query<BlockRow>(`SELECT ${STORED_AT_MS} AS stored_at, false AS inside, data FROM "TrafficBlock" WHERE id = $1`, [id]);
      n += (await this.blockRows(block.rows[0], q)).rows;
    }
    const legacy = legacyWhere(q);
    const old = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM "TrafficRecord" WHERE ${legacy.where}`, legacy.params);
    n += Number(old.rows[0].n);
    return q.limit !== undefined ? Math.min(n, q.limit) : n;
  }

  /** The profile's records in storage order, about `chunkSize` at a time (see columnChunks). */
  async *chunks(q: TrafficQuery, chunkSize = 5000): AsyncGenerator<TrafficRecord[]> {
    for await (const batch of this.columnChunks(q, chunkSize)) yield batch.toRecords();
  }

  /**
   * The profile's records in storage order, column by column, in batches of
   * at least `chunkSize` rows (small blocks are merged; a larger block comes
   * whole). Keyset pagination by id: a few blocks in memory at a time, and a
   * re-run yields the same rows in the same order.
   */
  async *columnChunks(q: TrafficQuery, chunkSize = 5000): AsyncGenerator<RecordColumns> {
    let remaining = q.limit ?? Infinity;
    let parts: RecordColumns[] = [];
    let partRows = 0;
    for await (const block of this.blocks(q)) {
      const rows = block.rows <= remaining ? block : block.slice(0, remaining);
      remaining -= rows.rows;
      if (rows.rows > 0) {
        parts.push(rows);
        partRows += rows.rows;
      }
      if (partRows >= chunkSize) {
        yield RecordColumns.concat(parts);
        parts = [];
        partRows = 0;
      }
      if (remaining === 0) break;
    }
    if (parts.length > 0) yield RecordColumns.concat(parts);
    if (remaining > 0) {
      for await (const records of this.legacyChunks(q, remaining, chunkSize)) yield RecordColumns.fromRecords(records);
    }
  }

  private async *blocks(q: TrafficQuery): AsyncGenerator<RecordColumns> {
    const { where, params } = blockWhere(q);
    let lastId = '0';
    for (;;) {
      const res = await this.pool.query<BlockRow & { id: string }>(
        `SELECT id, ${STORED_AT_MS} AS stored_at, ${inside(q)} AS inside, data FROM "TrafficBlock"
         WHERE ${where} AND id > $${params.length + 1} ORDER BY id LIMIT ${BLOCKS_PER_QUERY}`,
        [...params, lastId],
      );
      for (const row of res.rows) yield await this.blockRows(row, q);
      if (res.rows.length < BLOCKS_PER_QUERY) return;
      lastId = String(res.rows[res.rows.length - 1].id);
    }
  }

  /** A block's rows, cut to since/until unless the block lies wholly inside. */
  private async blockRows(row: BlockRow, q: TrafficQuery): Promise<RecordColumns> {
    const batch = await decodeBlock(row.data);
    if (row.inside) return batch;
    const since = q.since?.getTime() ?? -Infinity;
    const until = q.until?.getTime() ?? Infinity;
    const times = batch.find('timestamp', false)?.numbers ?? null;
    return batch.filter((i) => {
      const t = times === null || Number.isNaN(times[i]) ? row.stored_at : times[i];
      return t >= since && t <= until;
    });
  }

  private async *legacyChunks(q: TrafficQuery, limit: number, chunkSize: number): AsyncGenerator<TrafficRecord[]> {
    const { where, params } = legacyWhere(q);
    let lastId = '0';
    let remaining = limit;
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

const STORED_AT_MS = `(extract(epoch FROM "storedAt") * 1000)::float8`;

/** Parameters $1 profile, then since and until when set: the same numbering in every block query. */
function blockWhere(q: TrafficQuery): { where: string; params: unknown[] } {
  const params: unknown[] = [q.profileId];
  const parts = ['"profileId" = $1'];
  if (q.since) {
    params.push(q.since.toISOString());
    parts.push(`"lastTime" >= ($${params.length}::timestamptz AT TIME ZONE 'UTC')`);
  }
  if (q.until) {
    params.push(q.until.toISOString());
    parts.push(`"firstTime" <= ($${params.length}::timestamptz AT TIME ZONE 'UTC')`);
  }
  return { where: parts.join(' AND '), params };
}

/** Whether a block lies wholly inside since/until (parameters as numbered by blockWhere). */
function inside(q: TrafficQuery): string {
  const parts = ['true'];
  if (q.since) parts.push(`"firstTime" >= ($2::timestamptz AT TIME ZONE 'UTC')`);
  if (q.until) parts.push(`"lastTime" <= ($${q.since ? 3 : 2}::timestamptz AT TIME ZONE 'UTC')`);
  return parts.join(' AND ');
}

function legacyWhere(q: TrafficQuery): { where: string; params: unknown[] } {
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
