import { ADDRESS_MULTICAST, classifyAddress } from '../features/address.features';
import { AttributeLayout } from '../records/attribute-row';
import { TrafficRecord } from '../records/traffic-record';
import { DecayWindows } from './damped-stats';
import { applicationRedFlags, applicationRisks } from './app/app-meta';
import { PairKeyStore, SingleKeyStore } from './key-stores';
import { RecencyMap } from './recency-map';
import { CountingEntry, SlotEntry } from './slot-entry';
import {
  CHANNEL_METRICS, CHANNEL_STRIDE, HOST_METRICS, HOST_SLOTS, scopeNames, WindowedSlots,
} from './windowed-slots';
import {
  DEFAULT_WINDOWED_OPTIONS, validateHalfLives, WindowedFeatureOptions, windowSuffix,
} from './windowed.features';

/**
 * The packet defaults with bigger host tables: there are far fewer flows than
 * packets, and a spoofed flood brings a new source with every flow. Ten
 * thousand of them (the floods in ../shared/data/pcaps) must not push out the
 * hosts that were there before.
 */
export const DEFAULT_FLOW_FEATURE_OPTIONS: Readonly<WindowedFeatureOptions> = {
  ...DEFAULT_WINDOWED_OPTIONS,
  maxHosts: 16_384,
  maxPairs: 32_768,
};

/** Table sizes, and how many keys each table forgot to stay within its cap. */
export interface FlowFeatureStats {
  hosts: number;
  destinations: number;
  pairs: number;
  evictedHosts: number;
  evictedDestinations: number;
  evictedPairs: number;
}

/**
 * Metric names in output order, per scope, after the ones packets have too
 * (see windowed-slots; a flow's size is its IP bytes both ways). Per window:
 * fail_share = share of flows that failed (below), fanin_hosts = distinct
 * sources reaching a destination, ports = distinct ports reached on it.
 */
const SOURCE_METRICS = [...HOST_METRICS, 'fail_share'] as const;
/**
 * host_app_flags_<window>: decayed count of application red flags in a
 * source's flows (failed logins, injection signs in URIs: see
 * applicationRedFlags); one is a typo, a run is password guessing or an
 * injection being tried. Only flows that carry those application columns get
 * it: Zeek conn.logs and payload-less flows have nothing to count, and a
 * column that is always 0 would not be neutral to detectors that split at
 * random (half-space trees, isolation forest).
 */
const APP_FLAGS = 'host_app_flags';
/**
 * host_app_risks_<window>: decayed count of application risk signs in a
 * source's flows (see applicationRisks), over the windows above and a long
 * one: C2 channels poll every few minutes, and a sign shown an hour ago
 * still says something about the host. Ordinary hosts show one now and then;
 * a run of them is a tunnel, a C2 channel or malware. Kept apart from the
 * red flags, which ordinary traffic does not show at all. Only flows that
 * carry the app_risks column get it (every flow read from packets).
 */
const APP_RISKS = 'host_app_risks';
/** The long window of risk-sign counts. */
const RISK_MEMORY_MS = 3_600_000;
const DST_METRICS = ['rate', 'fanin_hosts', 'ports', 'fail_share'] as const;
const STATE_METRICS = ['fail_rate'] as const;

/** Slots per window of a source host: the ones packets have too, then failed weight and red flags. */
const HOST_FAIL = HOST_SLOTS;
const HOST_FLAGS = HOST_SLOTS + 1;
const HOST_STRIDE = HOST_SLOTS + 2;
/** Slots per window of a destination host: weight, failed weight, two distinct-count sums. */
const DST_STRIDE = 4;
const DST_FAIL = 1;
const DST_SOURCES = 2;
const DST_PORTS = 3;
/** Slots per window of a state: the weight. */
const STATE_STRIDE = 1;
/** Seconds added to a flow's duration for its packet rate. */
const PKT_RATE_SMOOTHING_S = 0.1;
/**
 * Link-wide state rates only use windows this short: a flood shows within a
 * second, and longer windows would carry it over to every ordinary flow in the
 * same state for minutes afterwards.
 */
const MAX_STATE_HALF_LIFE_MS = 1_000;

/**
 * TCP states of a connection that never got going: no answer (S0), refused
 * (REJ), reset by the originator before any answer (RSTOS0), a SYN-ACK
 * answered by a reset (RSTRH: backscatter of spoofed floods). RSTO/RSTR
 * are not here (browsers abort established connections all the time), nor
 * SH/SHR, which mostly mean the capture began mid-connection.
 */
const FAILED_TCP_STATES = new Set(['S0', 'REJ', 'RSTOS0', 'RSTRH']);

/**
 * A flow that failed: a TCP attempt that never got going, or a UDP, ICMP or
 * ARP exchange with one host that was never answered. Scans, sweeps and
 * spoofed floods are mostly such flows; ordinary traffic mostly is not.
 * Multicast and broadcast get no answers by design, so they never fail.
 */
export function failedFlow(record: TrafficRecord): boolean {
  const state = record.connState;
  if (record.protocol === 'TCP') return state !== undefined && FAILED_TCP_STATES.has(state);
  const unanswered = state === 'S0' || (state === 'OTH' && record.packetsIn === 0 && (record.packetsOut ?? 0) > 0);
  return unanswered && !isGroupAddress(record.destIp ?? '');
}

/** Multicast, limited broadcast, or (a guess without the netmask) a /24 directed broadcast. */
function isGroupAddress(ip: string): boolean {
  return (classifyAddress(ip) & 3) === ADDRESS_MULTICAST || ip.endsWith('.255');
}

/**
 * Windowed features of flows, in the spirit of Kitsune (NDSS'18) and of the
 * KDD'99 traffic features: each finished flow is one observation at its end
 * time, added to decaying statistics kept per source host, per destination
 * host, per host pair and per connection state across the link. They make
 * visible what one flow alone cannot show: a scan (many ports or hosts from
 * one source, most attempts failing), a flood or a distributed attack (many
 * sources, spoofed or not, towards one destination), brute force (a high
 * rate of similar flows from one source to one service), a flood from fully
 * random addresses (a burst of flows in the same failed state link-wide).
 *
 * Each flow also gets its packet rate (packets per second over its
 * duration). Identifiers are keys only, never values: no address or port
 * becomes a feature. Tables are capped and forget their least recently used keys.
 */
export class FlowFeatures {
  readonly names: readonly string[];
  private readonly values: Float64Array;
  private readonly windows: DecayWindows;
  private readonly stateWindows: DecayWindows;
  private readonly shared: WindowedSlots;
  /** Per source host; each entry's companion holds its risk-sign counts, one slot per window of riskWindows. */
  private readonly hosts: RecencyMap<CountingEntry>;
  private readonly destinations: RecencyMap<CountingEntry>;
  private readonly pairs: RecencyMap<SlotEntry>;
  private readonly states: RecencyMap<SlotEntry>;
  private readonly riskWindows: DecayWindows;
  private readonly layout: AttributeLayout;
  /** Where in `values` the source's red-flag counts per window start, then its risk-sign counts. */
  private readonly appFlagsAt: number;
  private readonly appRisksAt: number;

  constructor(options: Partial<WindowedFeatureOptions> = {}) {
    const o = { ...DEFAULT_FLOW_FEATURE_OPTIONS, ...options };
    validateHalfLives(o.halfLivesMs);
    const windows = new DecayWindows(o.halfLivesMs);
    this.windows = windows;
    const stateWindows = new DecayWindows(stateHalfLives(o.halfLivesMs));
    this.stateWindows = stateWindows;
    this.names = flowFeatureNames(o.halfLivesMs);
    const riskWindows = new DecayWindows(riskHalfLives(o.halfLivesMs));
    this.riskWindows = riskWindows;
    const appFlagNames = o.halfLivesMs.map((h) => `${APP_FLAGS}_${windowSuffix(h)}`);
    const appRiskNames = riskWindows.halfLivesMs.map((h) => `${APP_RISKS}_${windowSuffix(h)}`);
    // The names, then the packet rate and the application counts: NaN (left out, see AttributeLayout)
    // where a flow has none, so that every flow's features stay one row of numbers.
    this.appFlagsAt = this.names.length + 1;
    this.appRisksAt = this.appFlagsAt + appFlagNames.length;
    this.values = new Float64Array(this.appRisksAt + appRiskNames.length);
    this.shared = new WindowedSlots(windows, this.values);
    this.layout = new AttributeLayout(this.names, ['flow_pkt_rate', ...appFlagNames, ...appRiskNames]);
    const reset = (entry: SlotEntry): void => entry.reset();
    const newHost = (): CountingEntry => new CountingEntry(windows, HOST_STRIDE, o.maxDistinctPerHost, new SlotEntry(riskWindows, 1));
    this.hosts = new RecencyMap(o.maxHosts, new SingleKeyStore(), newHost, reset);
    this.destinations = new RecencyMap(o.maxHosts, new SingleKeyStore(), () => new CountingEntry(windows, DST_STRIDE, o.maxDistinctPerHost), reset);
    this.pairs = new RecencyMap(o.maxPairs, new PairKeyStore(), () => new SlotEntry(windows, CHANNEL_STRIDE), reset);
    // Protocol × state: a few dozen keys at most.
    this.states = new RecencyMap(256, new PairKeyStore(), () => new SlotEntry(stateWindows, STATE_STRIDE), reset);
  }

  get stats(): FlowFeatureStats {
    return {
      hosts: this.hosts.size, destinations: this.destinations.size, pairs: this.pairs.size,
      evictedHosts: this.hosts.evicted, evictedDestinations: this.destinations.evicted, evictedPairs: this.pairs.evicted,
    };
  }

  /**
   * Adds a finished flow and merges the features as of it into its
   * attributes (the flow's own attributes win on a name clash).
   */
  annotate(record: TrafficRecord): void {
    const durationS = record.duration ?? 0;
    const now = (record.timestamp ?? 0) + durationS * 1000;
    const src = record.srcIp ?? '';
    const dst = record.destIp ?? '';
    const dstPort = record.destPort ?? -1;
    const size = flowSize(record);
    const failed = failedFlow(record) ? 1 : 0;
    const count = this.windows.count;
    const redFlags = applicationRedFlags(record.attributes);
    const risks = applicationRisks(record.attributes);
    const host = this.hosts.use(src, '', 0);
    this.updateHost(host, now, dst, dstPort, size, failed, Math.max(0, redFlags));
    if (redFlags < 0) this.values.fill(NaN, this.appFlagsAt, this.appRisksAt);
    if (risks >= 0) this.updateRisks(host.companion as SlotEntry, now, risks);
    else this.values.fill(NaN, this.appRisksAt);
    this.updateDestination(this.destinations.use(dst, '', 0), now, src, dstPort, failed, SOURCE_METRICS.length * count);
    this.shared.observeChannel(this.pairs.use(src, dst, 0), now, size, (SOURCE_METRICS.length + DST_METRICS.length) * count);
    const stateAt = (SOURCE_METRICS.length + DST_METRICS.length + CHANNEL_METRICS.length) * count;
    // TCP only: unanswered UDP and ICMP are common in ordinary traffic, and floods of them hit one destination.
    if (failed && record.protocol === 'TCP') this.updateState(this.states.use(record.protocol, record.connState ?? '', 0), now, stateAt);
    else this.values.fill(0, stateAt, this.names.length);

    const packets = (record.packetsOut ?? 0) + (record.packetsIn ?? 0);
    // n packets have n - 1 gaps. The added 100 ms keeps two packets a microsecond apart from
    // reading as a million per second: only a sustained burst (a scripted RPC sweep) gets a high rate.
    // NaN leaves it out (see AttributeLayout).
    this.values[this.names.length] = packets >= 2 ? (packets - 1) / (durationS + PKT_RATE_SMOOTHING_S) : NaN;
    record.attributes = this.layout.attributes(this.values, record.attributes);
  }

  private updateHost(host: CountingEntry, now: number, dst: string, dstPort: number, size: number, failed: number, flags: number): void {
    const windows = this.windows;
    const slots = host.slots;
    // Decays these slots too: the failure and flag sums below are added already decayed to now.
    this.shared.observeHost(host, HOST_STRIDE, now, dst, dstPort, size);
    this.shared.writeHost(slots, HOST_STRIDE);
    const v = this.values;
    const failAt = HOST_METRICS.length * windows.count;
    for (let w = 0; w < windows.count; w++) {
      const at = w * HOST_STRIDE;
      slots[at + HOST_FAIL] += failed;
      slots[at + HOST_FLAGS] += flags;
      v[failAt + w] = share(slots[at + HOST_FAIL], slots[at]);
      v[this.appFlagsAt + w] = slots[at + HOST_FLAGS];
    }
  }

  private updateRisks(host: SlotEntry, now: number, risks: number): void {
    const windows = this.riskWindows;
    const slots = host.slots;
    windows.advance(now - host.lastTime);
    windows.decay(slots, 1);
    for (let w = 0; w < windows.count; w++) this.values[this.appRisksAt + w] = slots[w] += risks;
    host.lastTime = Math.max(host.lastTime, now);
  }

  private updateDestination(entry: CountingEntry, now: number, src: string, dstPort: number, failed: number, outAt: number): void {
    const windows = this.windows;
    const slots = entry.slots;
    windows.advance(now - entry.lastTime);
    windows.decay(slots, DST_STRIDE);
    for (let w = 0; w < windows.count; w++) {
      slots[w * DST_STRIDE] += 1;
      slots[w * DST_STRIDE + DST_FAIL] += failed;
    }
    entry.hosts.observe(src, now, entry.lastTime, slots, DST_SOURCES, DST_STRIDE);
    if (dstPort >= 0) entry.ports.observe(dstPort, now, entry.lastTime, slots, DST_PORTS, DST_STRIDE);
    entry.lastTime = Math.max(entry.lastTime, now);

    const count = windows.count;
    const v = this.values;
    for (let w = 0; w < count; w++) {
      const at = w * DST_STRIDE;
      v[outAt + w] = windows.rate(w, slots[at]);
      v[outAt + count + w] = slots[at + DST_SOURCES];
      v[outAt + 2 * count + w] = slots[at + DST_PORTS];
      v[outAt + 3 * count + w] = share(slots[at + DST_FAIL], slots[at]);
    }
  }

  private updateState(state: SlotEntry, now: number, outAt: number): void {
    const windows = this.stateWindows;
    const slots = state.slots;
    windows.advance(now - state.lastTime);
    windows.decay(slots, STATE_STRIDE);
    for (let w = 0; w < windows.count; w++) {
      slots[w] += 1;
      this.values[outAt + w] = windows.rate(w, slots[w]);
    }
    state.lastTime = Math.max(state.lastTime, now);
  }
}

/** Flow feature column names in output order: scope, then metric, then window. */
export function flowFeatureNames(halfLivesMs: readonly number[]): string[] {
  const suffixes = halfLivesMs.map(windowSuffix);
  return [
    ...scopeNames('host', SOURCE_METRICS, suffixes),
    ...scopeNames('dst', DST_METRICS, suffixes),
    ...scopeNames('pair', CHANNEL_METRICS, suffixes),
    ...scopeNames('state', STATE_METRICS, stateHalfLives(halfLivesMs).map(windowSuffix)),
  ];
}

/** The windows of risk-sign counts: the host windows, and RISK_MEMORY_MS unless one is that long already. */
function riskHalfLives(halfLivesMs: readonly number[]): number[] {
  return Math.max(...halfLivesMs) >= RISK_MEMORY_MS ? [...halfLivesMs] : [...halfLivesMs, RISK_MEMORY_MS];
}

/** The windows of link-wide state rates: those up to MAX_STATE_HALF_LIFE_MS, or the shortest one. */
function stateHalfLives(halfLivesMs: readonly number[]): number[] {
  const short = halfLivesMs.filter((h) => h <= MAX_STATE_HALF_LIFE_MS);
  return short.length > 0 ? short : [Math.min(...halfLivesMs)];
}

function share(part: number, whole: number): number {
  return whole > 0 ? Math.min(1, part / whole) : 0;
}

/** A flow's IP bytes both ways (payload bytes when IP bytes are unknown). */
function flowSize(record: TrafficRecord): number {
  const orig = record.attributes?.orig_ip_bytes;
  const resp = record.attributes?.resp_ip_bytes;
  if (typeof orig === 'number' && typeof resp === 'number') return orig + resp;
  return (record.bytesOut ?? 0) + (record.bytesIn ?? 0);
}
