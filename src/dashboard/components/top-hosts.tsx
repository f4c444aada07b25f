import type { HostCount } from '../api/types';
import { dateTime, severity } from '../format';

export function TopHosts({ hosts }: { hosts: HostCount[] }) {
  if (hosts.length === 0) return <p className="empty">No host took part in an anomaly in this window.</p>;
  const most = hosts[0].anomalies;
  return (
    <ol className="hosts-list" data-testid="top-hosts">
      {hosts.map((h) => (
        <li key={h.host}>
          <code className="host">{h.host}</code>
          <span className="bar" aria-hidden="true">
            <span style={{ width: `${(100 * h.anomalies) / most}%` }} />
          </span>
          <span className="count">{h.anomalies}</span>
          <span className={`score ${severity(h.maxScore)}`} title={`highest score; last seen ${dateTime(h.lastSeen)}`}>
            {h.maxScore.toFixed(2)}
          </span>
        </li>
      ))}
    </ol>
  );
}
