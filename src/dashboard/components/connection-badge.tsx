import { useEffect, useState } from 'react';
import { onConnectionState, type ConnectionState } from '../api/graphql';

const LABELS: Record<ConnectionState, string> = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' };

export function ConnectionBadge() {
  const [state, setState] = useState<ConnectionState>('connecting');
  useEffect(() => onConnectionState(setState), []);
  return (
    <span className={`badge conn-${state}`} data-testid="connection" data-state={state} role="status">
      <span className="dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
