import { TrafficRecord } from '../records/traffic-record';
import { DecodedPacket } from './decoded-packet';
import { Flow } from './flow';
import { IpProtocol } from './protocols';
import { TcpFlag } from './tcp-flags';

const { UDP, ICMP, ICMPV6, ARP } = IpProtocol;
const { SYN, ACK } = TcpFlag;

export interface FlowTableOptions {
  /** Zeek's tcp_inactivity_timeout. */
  tcpIdleTimeoutMs: number;
  udpIdleTimeoutMs: number;
  icmpIdleTimeoutMs: number;
  /** Other IP protocols (GRE, ESP, ...). */
  otherIdleTimeoutMs: number;
  /** An unanswered SYN is given up after this (Zeek's tcp_attempt_delay). */
  tcpAttemptTimeoutMs: number;
  /** A finished TCP flow waits this long for stray ACKs and retransmitted FINs/RSTs (Zeek's tcp_close_delay). */
  tcpCloseDelayMs: number;
  /** A flow active this long is reported and restarted, so long-lived flows show up while they last. */
  activeTimeoutMs: number;
  /** Table capacity; the least recently seen flow is reported early to make room. */
  maxFlows: number;
}

export const DEFAULT_FLOW_OPTIONS: Readonly<FlowTableOptions> = {
  tcpIdleTimeoutMs: 5 * 60_000,
  udpIdleTimeoutMs: 60_000,
  icmpIdleTimeoutMs: 60_000,
  otherIdleTimeoutMs: 60_000,
  tcpAttemptTimeoutMs: 5_000,
  tcpCloseDelayMs: 5_000,
  activeTimeoutMs: 30 * 60_000,
  maxFlows: 65_536,
};

export interface FlowTableStats {
  /** Flow records emitted (active-timeout snapshots included). */
  flows: number;
  /** Flows reported early because the table was full. */
  evicted: number;
  /** Records emitted by the active timeout. */
  activeTimeouts: number;
  /** Packets that cannot be keyed to a flow: ARP, non-first IP fragments. */
  untracked: number;
}

/** Re-ordering a flow in the recency order costs two Map operations: do it at most this often per flow. */
const TOUCH_GRANULARITY_MS = 250;
const SWEEP_INTERVAL_MS = 1_000;

/** Zeek pairs ICMP request and reply types into one connection; one-way types use the code instead. */
const ICMP_COUNTERPART: Readonly<Record<number, number>> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17, 10: 9, 9: 10 };
const ICMPV6_COUNTERPART: Readonly<Record<number, number>> = {
  128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135, 130: 131, 131: 130, 139: 140, 140: 139, 144: 145, 145: 144,
};

/**
 * Groups packets into bidirectional flows keyed by the 5-tuple and reports
 * each flow as a TrafficRecord when it ends: TCP after it finished and the
 * close delay passed, any flow after its idle timeout, long flows at the
 * active timeout, everything at `flush()`. Time is the packets' time, so a
 * file replays exactly as it was captured.
 *
 * The Map's insertion order doubles as recency order (a seen flow is moved to
 * the back), so expiry sweeps and evictions start from the front and stop
 * early instead of scanning the whole table.
 */
export class FlowTable {
  readonly stats: FlowTableStats = { flows: 0, evicted: 0, activeTimeouts: 0, untracked: 0 };
  private readonly flows = new Map<string, Flow>();
  private readonly options: FlowTableOptions;
  /** No flow can expire sooner than this after it was last touched. */
  private readonly shortestTimeoutMs: number;
  private nextSweepAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly onFlow: (record: TrafficRecord) => void, options: Partial<FlowTableOptions> = {}) {
    this.options = { ...DEFAULT_FLOW_OPTIONS, ...options };
    const o = this.options;
    this.shortestTimeoutMs = Math.min(
      o.tcpIdleTimeoutMs, o.udpIdleTimeoutMs, o.icmpIdleTimeoutMs, o.otherIdleTimeoutMs, o.tcpAttemptTimeoutMs, o.tcpCloseDelayMs,
    );
  }

  get size(): number {
    return this.flows.size;
  }

  add(packet: DecodedPacket): void {
    if (packet.protocol === ARP || packet.fragment) {
      this.stats.untracked++;
      return;
    }
    const now = packet.timestampMs;
    if (now >= this.nextSweepAt) this.expire(now);
    const srcPort = flowSrcPort(packet);
    const dstPort = flowDstPort(packet);
    const key = flowKey(packet.protocol, packet.srcIp, srcPort, packet.dstIp, dstPort);
    let flow = this.flows.get(key);
    if (flow && (now > this.deadline(flow) || isReuse(flow, packet))) {
      this.finish(flow);
      flow = undefined;
    }
    if (!flow) {
      flow = this.open(key, packet, srcPort, dstPort);
    } else if (now - flow.start >= this.options.activeTimeoutMs) {
      this.stats.activeTimeouts++;
      this.emit(flow);
      flow.restart(now);
    }
    flow.add(packet, packet.srcIp === flow.origIp && srcPort === flow.origPort);
    if (flow.closedAt < 0 && flow.tcp?.finished) flow.closedAt = now;
    this.touch(flow, now);
  }

  /** Reports every flow whose timeout passed by `nowMs`; called as packets arrive, callable on a clock. */
  expire(nowMs: number): void {
    this.nextSweepAt = nowMs + SWEEP_INTERVAL_MS;
    const newest = nowMs - this.shortestTimeoutMs;
    for (const flow of this.flows.values()) {
      if (flow.touchedAt > newest) return;
      if (nowMs > this.deadline(flow)) this.finish(flow);
    }
  }

  /** Reports every flow still open: the end of the capture. */
  flush(): void {
    for (const flow of this.flows.values()) this.emit(flow);
    this.flows.clear();
  }

  private open(key: string, packet: DecodedPacket, srcPort: number, dstPort: number): Flow {
    if (this.flows.size >= this.options.maxFlows) {
      const oldest = this.flows.values().next().value;
      if (oldest) {
        this.stats.evicted++;
        this.finish(oldest);
      }
    }
    const flow = new Flow(
      key, packet.protocol, packet.protocolName, packet.srcIp, srcPort, packet.dstIp, dstPort,
      packet.srcMac, packet.dstMac, packet.timestampMs,
    );
    this.flows.set(key, flow);
    return flow;
  }

  private touch(flow: Flow, now: number): void {
    if (now - flow.touchedAt < TOUCH_GRANULARITY_MS) return;
    flow.touchedAt = now;
    this.flows.delete(flow.key);
    this.flows.set(flow.key, flow);
  }

  /** Time after which the flow is over if no packet came. */
  private deadline(flow: Flow): number {
    const o = this.options;
    if (flow.tcp) {
      if (flow.closedAt >= 0) return flow.closedAt + o.tcpCloseDelayMs;
      if (flow.tcp.attempt) return flow.start + o.tcpAttemptTimeoutMs;
      return flow.lastSeen + o.tcpIdleTimeoutMs;
    }
    const idle = flow.protocol === UDP ? o.udpIdleTimeoutMs
      : flow.protocol === ICMP || flow.protocol === ICMPV6 ? o.icmpIdleTimeoutMs
        : o.otherIdleTimeoutMs;
    return flow.lastSeen + idle;
  }

  private finish(flow: Flow): void {
    this.flows.delete(flow.key);
    this.emit(flow);
  }

  private emit(flow: Flow): void {
    this.stats.flows++;
    this.onFlow(flow.toRecord());
  }
}

/** A new SYN on a finished TCP flow starts a new connection on the same ports. */
function isReuse(flow: Flow, packet: DecodedPacket): boolean {
  return flow.closedAt >= 0 && (packet.tcpFlags & (SYN | ACK)) === SYN;
}

/** Ports that key the flow; ICMP uses the type, as Zeek does. */
function flowSrcPort(packet: DecodedPacket): number {
  return packet.icmpType >= 0 ? packet.icmpType : Math.max(packet.srcPort, 0);
}

/** ICMP uses the counterpart type (request <-> reply) or, for one-way types, the code, as Zeek does. */
function flowDstPort(packet: DecodedPacket): number {
  if (packet.icmpType < 0) return Math.max(packet.dstPort, 0);
  const counterparts = packet.protocol === ICMP ? ICMP_COUNTERPART : ICMPV6_COUNTERPART;
  return counterparts[packet.icmpType] ?? packet.icmpCode;
}

/** Both directions map to one key: the endpoints are put in a fixed order. */
function flowKey(protocol: number, srcIp: string, srcPort: number, dstIp: string, dstPort: number): string {
  const forward = srcIp < dstIp || (srcIp === dstIp && srcPort <= dstPort);
  return forward
    ? `${protocol} ${srcIp} ${srcPort} ${dstIp} ${dstPort}`
    : `${protocol} ${dstIp} ${dstPort} ${srcIp} ${srcPort}`;
}
