import type pg from 'pg';

export interface StatsWindow {
  /** The profiles to count: always given, so a site never sees another's anomalies. */
  profileIds: string[];
  since: Date;
  until: Date;
}

export interface ScoreBucket {
  start: Date;
  count: number;
  maxScore: number | null;
  meanScore: number | null;
}

export interface HostCount {
  host: string;
  anomalies: number;
  maxScore: number;
  lastSeen: Date;
}

// "time" is a timestamp without time zone holding UTC (as Prisma stores it), so
// window bounds are converted to UTC wall time and epochs taken without a zone.
const WINDOW = `"profileId" = ANY($1::uuid[])
  AND "time" >= ($2::timestamptz AT TIME ZONE 'UTC') AND "time" < ($3::timestamptz AT TIME ZONE 'UTC')`;

const TIMELINE_SQL = `
SELECT width_bucket(extract(epoch FROM "time"), extract(epoch FROM $2::timestamptz), extract(epoch FROM $3::timestamptz), $4::int) - 1 AS bucket,
       count(*)::int AS count, max(score) AS max, avg(score) AS mean
FROM "Anomaly" WHERE ${WINDOW}
GROUP BY bucket`;

// A host counts once per anomaly it took part in, as source or destination.
const TOP_HOSTS_SQL = `
SELECT host, count(*)::int AS anomalies, max(score) AS "maxScore", max("time") AT TIME ZONE 'UTC' AS "lastSeen"
FROM (
  SELECT "srcIp" AS host, score, "time" FROM "Anomaly" WHERE ${WINDOW}
  UNION ALL
  SELECT "destIp" AS host, score, "time" FROM "Anomaly" WHERE ${WINDOW}
) involved
WHERE host IS NOT NULL
GROUP BY host ORDER BY anomalies DESC, "maxScore" DESC, host LIMIT $4`;

/** Aggregates for the dashboard: computed in PostgreSQL so a busy window costs one small result, not every row. */
export class AnomalyStatsRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** `buckets` equal slices of the window, oldest first; empty slices have count 0 and no scores. */
  async timeline(window: StatsWindow, buckets: number): Promise<ScoreBucket[]> {
    const res = await this.pool.query<{ bucket: number; count: number; max: number; mean: number }>(TIMELINE_SQL, [
      ...windowParams(window),
      buckets,
    ]);
    const byBucket = new Map(res.rows.map((r) => [Number(r.bucket), r]));
    const from = window.since.getTime();
    const width = (window.until.getTime() - from) / buckets;
    return Array.from({ length: buckets }, (_, i) => {
      const row = byBucket.get(i);
      return { start: new Date(from + i * width), count: row?.count ?? 0, maxScore: row?.max ?? null, meanScore: row?.mean ?? null };
    });
  }

  async topHosts(window: StatsWindow, limit: number): Promise<HostCount[]> {
    const res = await this.pool.query<{ host: string; anomalies: number; maxScore: number; lastSeen: Date }>(TOP_HOSTS_SQL, [
      ...windowParams(window),
      limit,
    ]);
    return res.rows;
  }
}

function windowParams(w: StatsWindow): [string[], string, string] {
  return [w.profileIds, w.since.toISOString(), w.until.toISOString()];
}
