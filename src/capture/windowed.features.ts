import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { AttributeLayout } from '../records/attribute-row';
import { DecayWindows } from './damped-stats';
import { DistinctCounter } from './distinct-counter';
import { PairKeyStore, portPair, SingleKeyStore, TripleKeyStore } from './key-stores';
import { LruNode } from './lru-list';
import { RecencyEntry, RecencyMap } from './recency-map';

export interface WindowedFeatureOptions {
  /** One decay window per half-life; names get a suffix from it (100 → '100ms', 1000 → '1s', 60000 → '1m'). */
  halfLivesMs: readonly number[];
  maxHosts: number;
  maxPairs: number;
  maxSockets: number;
  /** Destination ports and destination hosts remembered per source host (the fan-out saturates here). */
  maxDistinctPerHost: number;
}

/** Table sizes, and how many keys each table forgot to stay within its cap. */
export interface WindowedFeatureStats {
  hosts: number;
  pairs: number;
  sockets: number;
  evictedHosts: number;
  evictedPairs: number;
  evictedSockets: number;
}

export const DEFAULT_WINDOWED_OPTIONS: Readonly<WindowedFeatureOptions> = {
  halfLivesMs: [100, 1_000, 10_000, 60_000],
  maxHosts: 4_096,
  maxPairs: 16_384,
  maxSockets: 32_768,
  maxDistinctPerHost: 128,
};

/**
 * Metric names in output order. Per window: rate = observations per second,
 * size in bytes, gap = seconds between a host's observations, fanout = decayed
 * number of distinct destination ports / hosts.
 */
const HOST_METRICS = ['rate', 'size_mean', 'size_std', 'gap_mean', 'gap_std', 'fanout_ports', 'fanout_hosts'] as const;
const CHANNEL_METRICS = ['rate', 'size_mean', 'size_std'] as const;

/** Slots per window of a host: size triple, gap triple, two distinct-count sums. */
const HOST_STRIDE = 8;
const HOST_GAP = 3;
const HOST_PORTS = 6;
const HOST_HOSTS = 7;
/** Slots per window of a pair or socket: the size triple. */
const CHANNEL_STRIDE = 3;

class HostEntry implements RecencyEntry {
  keyA = '';
  keyB = '';
  keyC = 0;
  protectedSegment = false;
  older: LruNode | undefined = undefined;
  newer: LruNode | undefined = undefined;
  lastTime = Number.NEGATIVE_INFINITY;
  readonly slots: Float64Array;
  readonly ports: DistinctCounter<number>;
  readonly hosts: DistinctCounter<string>;

  constructor(windows: DecayWindows, maxDistinct: number) {
    this.slots = new Float64Array(windows.count * HOST_STRIDE);
    this.ports = new DistinctCounter(windows, maxDistinct);
    this.hosts = new DistinctCounter(windows, maxDistinct);
  }

  reset(): void {
    this.lastTime = Number.NEGATIVE_INFINITY;
    this.slots.fill(0);
    this.ports.clear();
    this.hosts.clear();
  }
}

class ChannelEntry implements RecencyEntry {
  keyA = '';
  keyB = '';
  keyC = 0;
  protectedSegment = false;
  older: LruNode | undefined = undefined;
  newer: LruNode | undefined = undefined;
  lastTime = Number.NEGATIVE_INFINITY;
  readonly slots: Float64Array;

  constructor(windows: DecayWindows) {
    this.slots = new Float64Array(windows.count * CHANNEL_STRIDE);
  }

  reset(): void {
    this.lastTime = Number.NEGATIVE_INFINITY;
    this.slots.fill(0);
  }
}

/**
 * Kitsune-style windowed features of packets, keyed by source host, by host pair
 * (src → dst) and by socket (src address:port → dst address:port). Each update adds one
 * observation (a packet) and leaves the features as of it
 * in `values`, named by `names` (`host_rate_1s`, `pair_size_mean_10s`,
 * `host_fanout_ports_1m`, ...). Tables are capped and forget their least
 * recently used keys; `stats` counts what was forgotten.
 */
export class WindowedFeatures {
  readonly names: readonly string[];
  readonly values: Float64Array;
  private readonly windows: DecayWindows;
  private readonly hosts: RecencyMap<HostEntry>;
  private readonly pairs: RecencyMap<ChannelEntry>;
  private readonly sockets: RecencyMap<ChannelEntry>;
  private readonly layout: AttributeLayout;

  constructor(options: Partial<WindowedFeatureOptions> = {}) {
    const o = { ...DEFAULT_WINDOWED_OPTIONS, ...options };
    validateHalfLives(o.halfLivesMs);
    const windows = new DecayWindows(o.halfLivesMs);
    this.windows = windows;
    this.names = featureNames(o.halfLivesMs);
    this.values = new Float64Array(this.names.length);
    this.layout = new AttributeLayout(this.names);
    const resetEntry = (entry: HostEntry | ChannelEntry): void => entry.reset();
    this.hosts = new RecencyMap(o.maxHosts, new SingleKeyStore(), () => new HostEntry(windows, o.maxDistinctPerHost), resetEntry);
    this.pairs = new RecencyMap(o.maxPairs, new PairKeyStore(), () => new ChannelEntry(windows), resetEntry);
    this.sockets = new RecencyMap(o.maxSockets, new TripleKeyStore(), () => new ChannelEntry(windows), resetEntry);
  }

  get stats(): WindowedFeatureStats {
    return {
      hosts: this.hosts.size, pairs: this.pairs.size, sockets: this.sockets.size,
      evictedHosts: this.hosts.evicted, evictedPairs: this.pairs.evicted, evictedSockets: this.sockets.evicted,
    };
  }

  /**
   * Adds one observation of `size` bytes at `now` (ms); ports are -1 when
   * there are none. Like Kitsune, a socket is the two address:port ends,
   * whatever the transport protocol.
   */
  update(now: number, srcIp: string, dstIp: string, srcPort: number, dstPort: number, size: number): void {
    const count = this.windows.count;
    this.updateHost(this.hosts.use(srcIp, '', 0), now, dstIp, dstPort, size);
    this.updateChannel(this.pairs.use(srcIp, dstIp, 0), now, size, count * HOST_METRICS.length);
    const socket = this.sockets.use(srcIp, dstIp, portPair(srcPort, dstPort));
    this.updateChannel(socket, now, size, count * (HOST_METRICS.length + CHANNEL_METRICS.length));
  }

  /** The current `values` as a record's attributes, then `own` ones (see AttributeLayout). */
  attributes(own?: Record<string, number>): Record<string, number> {
    return this.layout.attributes(this.values, own) as Record<string, number>;
  }

  private updateHost(host: HostEntry, now: number, dstIp: string, dstPort: number, size: number): void {
    const windows = this.windows;
    const slots = host.slots;
    const hadPrevious = host.lastTime > Number.NEGATIVE_INFINITY;
    const gapSeconds = Math.max(0, now - host.lastTime) / 1000;
    windows.advance(now - host.lastTime);
    windows.decay(slots, HOST_STRIDE);
    for (let w = 0; w < windows.count; w++) {
      windows.observe(slots, w * HOST_STRIDE, size);
      if (hadPrevious) windows.observe(slots, w * HOST_STRIDE + HOST_GAP, gapSeconds);
    }
    if (dstPort >= 0) host.ports.observe(dstPort, now, host.lastTime, slots, HOST_PORTS, HOST_STRIDE);
    host.hosts.observe(dstIp, now, host.lastTime, slots, HOST_HOSTS, HOST_STRIDE);
    host.lastTime = Math.max(host.lastTime, now);
    this.writeHost(slots);
  }

  private writeHost(slots: Float64Array): void {
    const windows = this.windows;
    const count = windows.count;
    const v = this.values;
    for (let w = 0; w < count; w++) {
      const at = w * HOST_STRIDE;
      v[w] = windows.rate(w, slots[at]);
      v[count + w] = windows.mean(slots, at);
      v[2 * count + w] = windows.std(slots, at);
      v[3 * count + w] = windows.mean(slots, at + HOST_GAP);
      v[4 * count + w] = windows.std(slots, at + HOST_GAP);
      v[5 * count + w] = slots[at + HOST_PORTS];
      v[6 * count + w] = slots[at + HOST_HOSTS];
    }
  }

  /** Updates a pair or socket and writes its metrics at `outAt` in `values`. */
  private updateChannel(channel: ChannelEntry, now: number, size: number, outAt: number): void {
    const windows = this.windows;
    const count = windows.count;
    const slots = channel.slots;
    const v = this.values;
    windows.advance(now - channel.lastTime);
    windows.decay(slots, CHANNEL_STRIDE);
    for (let w = 0; w < count; w++) {
      const at = w * CHANNEL_STRIDE;
      windows.observe(slots, at, size);
      v[outAt + w] = windows.rate(w, slots[at]);
      v[outAt + count + w] = windows.mean(slots, at);
      v[outAt + 2 * count + w] = windows.std(slots, at);
    }
    channel.lastTime = Math.max(channel.lastTime, now);
  }
}

/** Feature column names, in `values` order: scope, then metric, then window. */
export function featureNames(halfLivesMs: readonly number[]): string[] {
  const suffixes = halfLivesMs.map(windowSuffix);
  const names: string[] = [];
  const add = (scope: string, metrics: readonly string[]): void => {
    for (const metric of metrics) for (const suffix of suffixes) names.push(`${scope}_${metric}_${suffix}`);
  };
  add('host', HOST_METRICS);
  add('pair', CHANNEL_METRICS);
  add('socket', CHANNEL_METRICS);
  return names;
}

export function validateHalfLives(halfLivesMs: readonly number[]): void {
  const suffixes = halfLivesMs.map(windowSuffix);
  if (halfLivesMs.length === 0 || halfLivesMs.some((h) => !(h > 0)) || new Set(suffixes).size !== suffixes.length) {
    throw new AppError(ErrorCode.INVALID_FEATURE_SPEC, 'window half-lives must be distinct positive milliseconds', { halfLivesMs });
  }
}

export function windowSuffix(halfLifeMs: number): string {
  if (halfLifeMs % 60_000 === 0) return `${halfLifeMs / 60_000}m`;
  if (halfLifeMs % 1_000 === 0) return `${halfLifeMs / 1_000}s`;
  return `${halfLifeMs}ms`;
}
