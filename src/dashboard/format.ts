export function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function endpoint(ip: string | null, port: number | null): string {
  if (!ip) return '?';
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return port == null ? host : `${host}:${port}`;
}

/** 0.5 is every detector's threshold after normalisation; the bands say how far past it. */
export function severity(score: number): 'high' | 'mid' | 'low' {
  return score >= 0.8 ? 'high' : score >= 0.5 ? 'mid' : 'low';
}
