import { DecayWindows } from './damped-stats';
import { CountingEntry, SlotEntry } from './slot-entry';

/**
 * The statistics packet and flow features both keep, per source host and per
 * channel (a host pair, or for packets also a socket), with one observation
 * per packet or per flow. A record kind's own host statistics go in slots
 * after HOST_SLOTS; the output order of these metrics is the same for both.
 *
 * Per window: rate = observations per second, size in bytes, gap = seconds
 * between a host's observations, fanout = decayed number of distinct
 * destination ports / hosts.
 */
export const HOST_METRICS = ['rate', 'size_mean', 'size_std', 'gap_mean', 'gap_std', 'fanout_ports', 'fanout_hosts'] as const;
export const CHANNEL_METRICS = ['rate', 'size_mean', 'size_std'] as const;

/** Host slots per window used here: size triple, gap triple, two distinct-count sums. */
export const HOST_SLOTS = 8;
const HOST_GAP = 3;
const HOST_PORTS = 6;
const HOST_HOSTS = 7;
/** Slots per window of a channel: the size triple. */
export const CHANNEL_STRIDE = 3;

/**
 * The updates of those statistics, writing the metrics into the owner's
 * `values`. A class rather than module functions: its methods are plain
 * property loads on one shape, wherever the module system puts exports.
 */
export class WindowedSlots {
  constructor(private readonly windows: DecayWindows, private readonly values: Float64Array) {}

  /**
   * Adds an observation of `size` bytes at `now` (ms) to a source host with
   * `stride` slots per window; `dstPort` is -1 when there is none. The
   * windows keep this step's decay factors, for the caller's own slots.
   */
  observeHost(host: CountingEntry, stride: number, now: number, dst: string, dstPort: number, size: number): void {
    const windows = this.windows;
    const slots = host.slots;
    const hadPrevious = host.lastTime > Number.NEGATIVE_INFINITY;
    const gapSeconds = Math.max(0, now - host.lastTime) / 1000;
    windows.advance(now - host.lastTime);
    windows.decay(slots, stride);
    for (let w = 0; w < windows.count; w++) {
      const at = w * stride;
      windows.observe(slots, at, size);
      if (hadPrevious) windows.observe(slots, at + HOST_GAP, gapSeconds);
    }
    if (dstPort >= 0) host.ports.observe(dstPort, now, host.lastTime, slots, HOST_PORTS, stride);
    host.hosts.observe(dst, now, host.lastTime, slots, HOST_HOSTS, stride);
    host.lastTime = Math.max(host.lastTime, now);
  }

  /** Writes HOST_METRICS of a host's slots at the start of `values`: metric, then window. */
  writeHost(slots: Float64Array, stride: number): void {
    const windows = this.windows;
    const count = windows.count;
    const v = this.values;
    for (let w = 0; w < count; w++) {
      const at = w * stride;
      v[w] = windows.rate(w, slots[at]);
      v[count + w] = windows.mean(slots, at);
      v[2 * count + w] = windows.std(slots, at);
      v[3 * count + w] = windows.mean(slots, at + HOST_GAP);
      v[4 * count + w] = windows.std(slots, at + HOST_GAP);
      v[5 * count + w] = slots[at + HOST_PORTS];
      v[6 * count + w] = slots[at + HOST_HOSTS];
    }
  }

  /** Adds an observation of `size` bytes at `now` to a channel and writes its CHANNEL_METRICS at `outAt`. */
  observeChannel(channel: SlotEntry, now: number, size: number, outAt: number): void {
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

/** Column names of one scope, metric by metric, each for every window suffix: `host_rate_1s`, `host_rate_10s`, ... */
export function scopeNames(scope: string, metrics: readonly string[], suffixes: readonly string[]): string[] {
  return metrics.flatMap((metric) => suffixes.map((suffix) => `${scope}_${metric}_${suffix}`));
}
