import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { TrafficRecord } from '../records/traffic-record';
import { DecodedPacket } from './decoded-packet';
import { Flow } from './flow';
import { LruList } from './lru-list';
import { IpProtocol } from './protocols';
import { TcpFlag } from './tcp-flags';
import { Ipv4FlowIndex } from './ipv4-flow-index';
import { portPair, TripleKeyStore } from './key-stores';

// Used per packet: copied out of the imported object once (see bytes.ts).
const { UDP, ICMP, ICMPV6 } = IpProtocol;
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
  /** Packets that cannot be keyed to a flow: non-first IP fragments. */
  untracked: number;
}

/** Expiry sweeps run this often in packet time; a flow hit after its deadline is split at once anyway. */
const SWEEP_INTERVAL_MS = 5_000;

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
 * Flows are kept in recency order, so expiry sweeps start from the least
 * recently seen and stop at the first flow that cannot have timed out yet,
 * and eviction takes the least recently seen in O(1).
 */
export class FlowTable {
  readonly stats: FlowTableStats = { flows: 0, evicted: 0, activeTimeouts: 0, untracked: 0 };
  /** IPv4 and ARP flows, by integer key: the common case, and the cheapest to look up. */
  private readonly ipv4Flows = new Ipv4FlowIndex<Flow>();
  /** Other flows by IP protocol number, then by their canonical (address, address, ports) key. */
  private readonly flows: (TripleKeyStore<Flow> | undefined)[] = [];
  private readonly order = new LruList<Flow>();
  private count = 0;
  private readonly options: FlowTableOptions;
  private nextSweepAt = Number.NEGATIVE_INFINITY;
  /** The latest packet time seen. */
  private latest = Number.NEGATIVE_INFINITY;
  /** No open flow is due before this (a lower bound): sweeps with nothing due are skipped. */
  private earliestDue = Number.POSITIVE_INFINITY;

  constructor(private readonly onFlow: (record: TrafficRecord) => void, options: Partial<FlowTableOptions> = {}) {
    this.options = { ...DEFAULT_FLOW_OPTIONS, ...options };
    const o = this.options;
    // Infinity is allowed: it switches a timeout off.
    const invalid = Object.entries(o).filter(([, value]) => !(value > 0));
    if (invalid.length > 0) {
      throw new AppError(ErrorCode.CONFIG_INVALID, 'flow table options must be positive numbers', Object.fromEntries(invalid));
    }
  }

  get size(): number {
    return this.count;
  }

  add(packet: DecodedPacket): void {
    // ARP is kept, as a flow from the asking address to the one asked about: a LAN sweep is a fan-out like any scan.
    if (packet.fragment) {
      this.stats.untracked++;
      return;
    }
    const now = packet.timestampMs;
    if (now > this.latest) this.latest = now;
    if (now >= this.nextSweepAt && now > this.earliestDue) this.expire(now);
    const srcPort = flowSrcPort(packet);
    const flow = this.flowFor(packet, srcPort, flowDstPort(packet));
    flow.add(packet, packet.srcIp === flow.origIp && srcPort === flow.origPort);
    if (flow.closedAt < 0 && flow.tcp?.finished) flow.closedAt = now;
    // Only a packet changes what a deadline counts from: kept on the flow, a sweep reads it instead of working it out again.
    this.setDeadline(flow);
    // A packet can only bring a deadline forward by closing the flow or opening it; either way it is this flow's.
    if (flow.deadline < this.earliestDue) this.earliestDue = flow.deadline;
    this.order.touch(flow);
  }

  /** The packet's flow: the open one, or a new one if there is none or it is over. */
  private flowFor(packet: DecodedPacket, srcPort: number, dstPort: number): Flow {
    // Read here, not passed in: a fractional number passed to a call that is not inlined is allocated, once per packet.
    const now = packet.timestampMs;
    // Both directions share one key: the endpoints are put in a fixed order (any fixed order will do).
    const ipv4 = packet.srcIp === packet.srcIpv4Text && packet.dstIp === packet.dstIpv4Text;
    const forward = ipv4
      ? packet.srcIpv4 < packet.dstIpv4 || (packet.srcIpv4 === packet.dstIpv4 && srcPort <= dstPort)
      : packet.srcIp < packet.dstIp || (packet.srcIp === packet.dstIp && srcPort <= dstPort);
    const a = forward ? packet.srcIp : packet.dstIp;
    const b = forward ? packet.dstIp : packet.srcIp;
    const ports = forward ? portPair(srcPort, dstPort) : portPair(dstPort, srcPort);
    const ipv4A = forward ? packet.srcIpv4 : packet.dstIpv4;
    const ipv4B = forward ? packet.dstIpv4 : packet.srcIpv4;
    const table = ipv4 ? undefined : (this.flows[packet.protocol] ?? (this.flows[packet.protocol] = new TripleKeyStore()));
    const flow = table === undefined ? this.ipv4Flows.get(packet.protocol, ipv4A, ipv4B, ports) : table.get(a, b, ports);
    if (flow && now <= flow.deadline && !isReuse(flow, packet)) {
      if (now - flow.start >= this.options.activeTimeoutMs) this.restart(flow, now);
      return flow;
    }
    // An overdue flow goes out with every other overdue one, in deadline order (see expire).
    if (flow && now > flow.deadline) this.expire(now);
    else if (flow) this.finish(flow);
    const opened = this.open(new Flow(table, a, b, ports, packet, srcPort, dstPort));
    if (table === undefined) {
      opened.ipv4A = ipv4A;
      opened.ipv4B = ipv4B;
      this.ipv4Flows.set(opened);
    } else {
      table.set(a, b, ports, opened);
    }
    return opened;
  }

  /**
   * Reports every flow whose timeout passed by `nowMs`, in the order of their
   * deadlines; called as packets arrive, callable on a clock. Reporting in
   * deadline order, here and at flush(), makes the order of records depend on
   * the packets alone, not on when sweeps ran or where the input ended, so
   * the windowed features computed over the records do not either.
   */
  expire(nowMs: number): void {
    this.nextSweepAt = nowMs + SWEEP_INTERVAL_MS;
    // Every flow is checked: a closed or unanswered TCP flow can be due while it saw a packet
    // moments ago (its deadline counts from the close or the first SYN), and skipping it until
    // a later sweep would put it out of deadline order. A few ten thousand checks per sweep.
    const due: Flow[] = [];
    let earliest = Number.POSITIVE_INFINITY;
    for (let flow = this.order.oldest; flow; flow = this.order.newerThan(flow)) {
      const deadline = flow.deadline;
      if (nowMs > deadline) due.push(flow);
      else if (deadline < earliest) earliest = deadline;
    }
    this.earliestDue = earliest;
    if (due.length > 1) this.byDeadline(due);
    for (const flow of due) this.finish(flow);
  }

  /**
   * The earliest start a flow reported from now on can have: that of the
   * oldest open flow, or of a flow the next packets open, which start no
   * earlier than `reorderSlackMs` before the latest packet (captures from
   * several queues are out of time order by far less).
   */
  startWatermark(reorderSlackMs: number): number {
    let oldest = this.latest - reorderSlackMs;
    for (let flow = this.order.oldest; flow; flow = this.order.newerThan(flow)) if (flow.start < oldest) oldest = flow.start;
    return oldest;
  }

  /** Reports every flow still open, in deadline order: the end of the capture. */
  flush(): void {
    const open: Flow[] = [];
    for (let flow = this.order.oldest; flow; flow = this.order.newerThan(flow)) open.push(flow);
    for (const flow of this.byDeadline(open)) this.emit(flow);
    this.flows.length = 0;
    this.ipv4Flows.clear();
    this.order.clear();
    this.count = 0;
    this.earliestDue = Number.POSITIVE_INFINITY;
  }

  /** Sorts in place by deadline; ties keep their recency order (Array#sort is stable). */
  private byDeadline(flows: Flow[]): Flow[] {
    // Compared, not subtracted: a difference of two fractional times is a heap number per comparison.
    return flows.sort((x, y) => (x.deadline < y.deadline ? -1 : x.deadline > y.deadline ? 1 : 0));
  }

  /** Links a new flow in the recency order, evicting if full; the caller files it under its key. */
  private open(flow: Flow): Flow {
    const oldest = this.order.oldest;
    if (this.count >= this.options.maxFlows && oldest) {
      this.stats.evicted++;
      this.finish(oldest);
    }
    this.order.pushNewest(flow);
    this.count++;
    return flow;
  }

  /**
   * Sets the time after which the flow is over if no packet comes. Set here
   * rather than returned: a fractional number returned from a call V8 did
   * not inline is a new heap number, once per packet.
   */
  private setDeadline(flow: Flow): void {
    const o = this.options;
    if (flow.tcp) {
      if (flow.closedAt >= 0) flow.deadline = flow.closedAt + o.tcpCloseDelayMs;
      else if (flow.tcp.attempt) flow.deadline = flow.start + o.tcpAttemptTimeoutMs;
      else flow.deadline = flow.lastSeen + o.tcpIdleTimeoutMs;
      return;
    }
    const idle = flow.protocol === UDP ? o.udpIdleTimeoutMs
      : flow.protocol === ICMP || flow.protocol === ICMPV6 ? o.icmpIdleTimeoutMs
        : o.otherIdleTimeoutMs;
    flow.deadline = flow.lastSeen + idle;
  }

  /** Reports a long-running flow so far and starts its next period. */
  private restart(flow: Flow, now: number): void {
    this.stats.activeTimeouts++;
    this.emit(flow);
    flow.restart(now);
  }

  private finish(flow: Flow): void {
    if (flow.table === undefined) this.ipv4Flows.delete(flow);
    else flow.table.delete(flow.keyA, flow.keyB, flow.keyC);
    this.order.remove(flow);
    this.count--;
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
