import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { AttributeLayout } from '../records/attribute-row';
import { DecayWindows } from './damped-stats';
import { PairKeyStore, portPair, SingleKeyStore, TripleKeyStore } from './key-stores';
import { RecencyMap } from './recency-map';
import { CountingEntry, SlotEntry } from './slot-entry';
import {
  CHANNEL_METRICS, CHANNEL_STRIDE, HOST_METRICS, HOST_SLOTS, scopeNames, WindowedSlots,
} from './windowed-slots';

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
  private readonly shared: WindowedSlots;
  /**
   * Where the pair and socket metrics start in `values`, and the host stride:
   * fields, since reading an import per packet is a getter call when tsx
   * (benches, tests) turns the modules into CommonJS.
   */
  private readonly pairAt: number;
  private readonly socketAt: number;
  private readonly hostStride = HOST_SLOTS;
  private readonly hosts: RecencyMap<CountingEntry>;
  private readonly pairs: RecencyMap<SlotEntry>;
  private readonly sockets: RecencyMap<SlotEntry>;
  private readonly layout: AttributeLayout;

  constructor(options: Partial<WindowedFeatureOptions> = {}) {
    const o = { ...DEFAULT_WINDOWED_OPTIONS, ...options };
    validateHalfLives(o.halfLivesMs);
    const windows = new DecayWindows(o.halfLivesMs);
    this.names = featureNames(o.halfLivesMs);
    this.values = new Float64Array(this.names.length);
    this.shared = new WindowedSlots(windows, this.values);
    this.pairAt = windows.count * HOST_METRICS.length;
    this.socketAt = windows.count * (HOST_METRICS.length + CHANNEL_METRICS.length);
    this.layout = new AttributeLayout(this.names);
    const resetEntry = (entry: SlotEntry): void => entry.reset();
    this.hosts = new RecencyMap(o.maxHosts, new SingleKeyStore(), () => new CountingEntry(windows, HOST_SLOTS, o.maxDistinctPerHost), resetEntry);
    this.pairs = new RecencyMap(o.maxPairs, new PairKeyStore(), () => new SlotEntry(windows, CHANNEL_STRIDE), resetEntry);
    this.sockets = new RecencyMap(o.maxSockets, new TripleKeyStore(), () => new SlotEntry(windows, CHANNEL_STRIDE), resetEntry);
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
    const shared = this.shared;
    const host = this.hosts.use(srcIp, '', 0);
    shared.observeHost(host, this.hostStride, now, dstIp, dstPort, size);
    shared.writeHost(host.slots, this.hostStride);
    shared.observeChannel(this.pairs.use(srcIp, dstIp, 0), now, size, this.pairAt);
    const socket = this.sockets.use(srcIp, dstIp, portPair(srcPort, dstPort));
    shared.observeChannel(socket, now, size, this.socketAt);
  }

  /** The current `values` as a record's attributes, then `own` ones (see AttributeLayout). */
  attributes(own?: Record<string, number>): Record<string, number> {
    return this.layout.attributes(this.values, own) as Record<string, number>;
  }
}

/** Feature column names, in `values` order: scope, then metric, then window. */
export function featureNames(halfLivesMs: readonly number[]): string[] {
  const suffixes = halfLivesMs.map(windowSuffix);
  return [
    ...scopeNames('host', HOST_METRICS, suffixes),
    ...scopeNames('pair', CHANNEL_METRICS, suffixes),
    ...scopeNames('socket', CHANNEL_METRICS, suffixes),
  ];
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
