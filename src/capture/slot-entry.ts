import { DecayWindows } from './damped-stats';
import { DistinctCounter } from './distinct-counter';
import { LruNode } from './lru-list';
import { RecencyEntry } from './recency-map';

/**
 * One key of a windowed-feature table: its damped statistics, `stride` slots
 * per window (see DecayWindows), and the time of its last observation. Every
 * table of packet and flow features uses this class or CountingEntry, so the
 * shared update code sees the same two shapes whatever the record kind.
 */
export class SlotEntry implements RecencyEntry {
  keyA = '';
  keyB = '';
  keyC = 0;
  protectedSegment = false;
  older: LruNode | undefined = undefined;
  newer: LruNode | undefined = undefined;
  lastTime = Number.NEGATIVE_INFINITY;
  readonly slots: Float64Array;

  constructor(windows: DecayWindows, stride: number) {
    this.slots = new Float64Array(windows.count * stride);
  }

  /** Makes a forgotten entry as good as new for its next key (RecencyMap reuses it). */
  reset(): void {
    this.lastTime = Number.NEGATIVE_INFINITY;
    this.slots.fill(0);
  }
}

/**
 * An entry that also counts distinct ports and hosts (a source's
 * destinations, a destination's sources), and may carry statistics of the
 * same key over other windows (`companion`: a flow source's risk-sign
 * counts), kept here rather than in a table of their own so that one lookup
 * and one recency update serve both.
 */
export class CountingEntry extends SlotEntry {
  readonly ports: DistinctCounter<number>;
  readonly hosts: DistinctCounter<string>;

  constructor(windows: DecayWindows, stride: number, maxDistinct: number, readonly companion?: SlotEntry) {
    super(windows, stride);
    this.ports = new DistinctCounter(windows, maxDistinct);
    this.hosts = new DistinctCounter(windows, maxDistinct);
  }

  override reset(): void {
    super.reset();
    this.ports.clear();
    this.hosts.clear();
    this.companion?.reset();
  }
}
