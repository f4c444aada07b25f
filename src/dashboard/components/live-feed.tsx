import { useEffect, useRef, useState } from 'react';
import { request, subscribe } from '../api/graphql';
import { ANOMALY_DETECTED, RECENT_ANOMALIES } from '../api/operations';
import type { Anomaly } from '../api/types';
import { clock, endpoint, severity } from '../format';

const MAX_ROWS = 100;

interface Props {
  profile: string;
  onAnomaly(a: Anomaly): void;
}

/** Newest first: the last stored anomalies, then every new one as the server publishes it. */
export function LiveFeed({ profile, onAnomaly }: Props) {
  const [rows, setRows] = useState<Anomaly[]>([]);
  const [minScore, setMinScore] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const liveIds = useRef(new Set<string>());
  const notify = useRef(onAnomaly);
  notify.current = onAnomaly;

  useEffect(() => {
    let cancelled = false;
    const vars = minScore > 0 ? { profile, minScore } : { profile };
    setRows([]);
    setError(null);
    liveIds.current.clear();
    request<{ anomalies: { nodes: Anomaly[] } }>(RECENT_ANOMALIES, { filter: vars }).then(
      (d) => !cancelled && setRows((prev) => merge(prev, d.anomalies.nodes)),
      (err: Error) => !cancelled && setError(err.message),
    );
    const stop = subscribe<{ anomalyDetected: Anomaly }>(ANOMALY_DETECTED, vars, {
      next: ({ anomalyDetected: a }) => {
        liveIds.current.add(a.id);
        setRows((prev) => merge(prev, [a]));
        notify.current(a);
      },
      error: (err) => setError(err.message),
    });
    return () => {
      cancelled = true;
      stop();
    };
  }, [profile, minScore]);

  return (
    <section className="panel feed" aria-labelledby="feed-title">
      <header className="panel-head">
        <h2 id="feed-title">Live anomalies</h2>
        <label className="inline">
          min score
          <select value={minScore} onChange={(e) => setMinScore(Number(e.target.value))}>
            {[0, 0.6, 0.7, 0.8, 0.9].map((s) => (
              <option key={s} value={s}>
                {s === 0 ? 'all' : `≥ ${s}`}
              </option>
            ))}
          </select>
        </label>
      </header>
      {error && <p className="error" role="alert">{error}</p>}
      {rows.length === 0 && !error && <p className="empty">No anomalies yet. New ones appear here as they are detected.</p>}
      <ol className="anomalies" data-testid="anomaly-feed">
        {rows.map((a) => (
          <li key={a.id} className={`anomaly ${liveIds.current.has(a.id) ? 'fresh' : ''}`} data-testid="anomaly-row" data-id={a.id}>
            <span className={`score ${severity(a.score)}`} title="score: 0.5 is the detection threshold">
              {a.score.toFixed(2)}
            </span>
            <div className="what">
              <div className="hosts">
                <code>{endpoint(a.srcIp, a.srcPort)}</code>
                <span aria-label="to"> → </span>
                <code>{endpoint(a.destIp, a.destPort)}</code>
                {a.protocol && <span className="proto">{a.protocol}</span>}
              </div>
              <div className="why">{a.explanation.map((e) => e.message).join(' · ') || 'no explanation'}</div>
            </div>
            <time dateTime={a.time}>{clock(a.time)}</time>
          </li>
        ))}
      </ol>
    </section>
  );
}

function merge(current: Anomaly[], incoming: Anomaly[]): Anomaly[] {
  const byId = new Map(current.map((a) => [a.id, a]));
  for (const a of incoming) byId.set(a.id, a);
  return [...byId.values()].sort(newestFirst).slice(0, MAX_ROWS);
}

function newestFirst(a: Anomaly, b: Anomaly): number {
  const dt = Date.parse(b.time) - Date.parse(a.time);
  if (dt !== 0) return dt;
  // Ids are increasing integers of any length.
  return b.id.length - a.id.length || (b.id > a.id ? 1 : b.id < a.id ? -1 : 0);
}
