/**
 * The canonical, validated observation every entry point (GraphQL, REST,
 * pcap, live capture, Zeek, CSV) is turned into before detection.
 * Every field is optional: a packet, a flow and a tabular row fill different ones.
 */
export interface TrafficRecord {
  /** Epoch milliseconds. */
  timestamp?: number;
  srcIp?: string;
  destIp?: string;
  srcPort?: number;
  destPort?: number;
  /** Canonical upper-case name ('TCP', 'UDP', 'ICMP', ...) or 'IP-<number>' for unnamed numbers. */
  protocol?: string;
  packetSize?: number;
  /** Seconds. */
  duration?: number;
  bytesOut?: number;
  bytesIn?: number;
  packetsOut?: number;
  packetsIn?: number;
  /** Zeek conn_state (S0, SF, REJ, ...). */
  connState?: string;
  service?: string;
  srcMac?: string;
  destMac?: string;
  /** TCP flags seen, e.g. 'S', 'SA', 'FPA'. */
  tcpFlags?: string;
  /** Zeek-style connection history. */
  history?: string;
  /** Named numeric or string columns: tabular data, windowed capture features. */
  attributes?: Record<string, number | string>;
  /** Ground truth where known (datasets). Never used as a feature. */
  label?: string;
}

export type RecordKind = 'packet' | 'flow' | 'tabular';
