/** IANA protocol numbers for the names people actually send. */
const BY_NAME: Record<string, number> = {
  ICMP: 1,
  IGMP: 2,
  TCP: 6,
  UDP: 17,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  OSPF: 89,
  SCTP: 132,
};
const BY_NUMBER = new Map(Object.entries(BY_NAME).map(([name, n]) => [n, name]));
/** Not IP protocols, but capture produces them and users send them. */
const NON_IP = new Set(['ARP', 'RARP', 'LLDP', 'STP']);
const ALIASES: Record<string, string> = { 'IPV6-ICMP': 'ICMPV6', ICMP6: 'ICMPV6' };

/**
 * Canonical protocol name for a name or number (case-insensitive), or undefined
 * when it is neither a known name nor a number 0-255. Unnamed numbers become
 * 'IP-<n>' so they stay distinct categories instead of collapsing into one.
 */
export function canonicalProtocol(value: string | number): string | undefined {
  if (typeof value === 'number') return protocolFromNumber(value);
  const trimmed = value.trim();
  if (/^\d{1,3}$/.test(trimmed)) return protocolFromNumber(Number(trimmed));
  const upper = trimmed.toUpperCase();
  const name = ALIASES[upper] ?? upper;
  if (name in BY_NAME || NON_IP.has(name)) return name;
  const ipN = /^IP-(\d{1,3})$/.exec(name);
  return ipN ? protocolFromNumber(Number(ipN[1])) : undefined;
}

function protocolFromNumber(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  return BY_NUMBER.get(n) ?? `IP-${n}`;
}
