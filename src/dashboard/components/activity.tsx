import { useCallback, useEffect, useRef, useState } from 'react';
import { request } from '../api/graphql';
import { ANOMALY_STATS } from '../api/operations';
import type { AnomalyStats } from '../api/types';
import { ScoreTimeline } from './score-timeline';
import { TopHosts } from './top-hosts';

const WINDOWS = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 hour', ms: 3_600_000 },
  { label: '6 hours', ms: 6 * 3_600_000 },
  { label: '24 hours', ms: 24 * 3_600_000 },
  { label: '7 days', ms: 7 * 24 * 3_600_000 },
];
/** Live anomalies refresh the aggregates, at most this often. */
const REFRESH_MS = 3_000;

interface Props {
  profile: string;
  /** Changes whenever a live anomaly arrives. */
  liveTick: number;
}

export function Activity({ profile, liveTick }: Props) {
  const [windowMs, setWindowMs] = useState(WINDOWS[1].ms);
  const [stats, setStats] = useState<AnomalyStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lastLoad = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout>>(undefined);

  const load = useCallback(() => {
    lastLoad.current = Date.now();
    const since = new Date(Date.now() - windowMs).toISOString();
    request<{ anomalyStats: AnomalyStats }>(ANOMALY_STATS, { profile, since, buckets: 60 }).then(
      (d) => {
        setStats(d.anomalyStats);
        setError(null);
      },
      (err: Error) => setError(err.message),
    );
  }, [profile, windowMs]);

  useEffect(load, [load]);

  useEffect(() => {
    if (liveTick === 0 || pending.current) return;
    const wait = Math.max(0, lastLoad.current + REFRESH_MS - Date.now());
    pending.current = setTimeout(() => {
      pending.current = undefined;
      load();
    }, wait);
  }, [liveTick, load]);
  useEffect(() => () => clearTimeout(pending.current), []);

  return (
    <section className="panel activity" aria-labelledby="activity-title">
      <header className="panel-head">
        <h2 id="activity-title">Activity</h2>
        <label className="inline">
          window
          <select value={windowMs} onChange={(e) => setWindowMs(Number(e.target.value))} data-testid="window">
            {WINDOWS.map((w) => (
              <option key={w.ms} value={w.ms}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="summary">
        <strong data-testid="window-total">{stats?.total ?? '–'}</strong> anomalies in the last {WINDOWS.find((w) => w.ms === windowMs)?.label}
      </p>
      <ScoreTimeline timeline={stats?.timeline ?? []} />
      <h3>Top hosts</h3>
      <TopHosts hosts={stats?.topHosts ?? []} />
    </section>
  );
}
