/** IP protocol numbers the capture layer treats specially, and their canonical record names. */
export const IpProtocol = {
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  ICMPV6: 58,
  /** Not an IP protocol number: marks ARP packets, which have no IP header. */
  ARP: 256,
} as const;

const NAMED: Readonly<Record<number, string>> = {
  1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPV6', 47: 'GRE', 50: 'ESP', 51: 'AH',
  58: 'ICMPV6', 59: 'IPV6-NONXT', 89: 'OSPF', 103: 'PIM', 112: 'VRRP', 115: 'L2TP', 132: 'SCTP', 256: 'ARP',
};

/** Precomputed so naming a packet's protocol allocates nothing. */
const NAMES: readonly string[] = Array.from({ length: 257 }, (_, n) => NAMED[n] ?? `IP-${n}`);

/** 'TCP', 'UDP', 'ICMP', 'ICMPV6', 'ARP', ... or 'IP-<number>' as TrafficRecord.protocol expects. */
export function protocolName(protocol: number): string {
  return NAMES[protocol] ?? `IP-${protocol}`;
}
