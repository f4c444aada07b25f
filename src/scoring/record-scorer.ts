import type { DetectionService } from '../detection/detection.service';
import type { Prediction } from '../detection/prediction';
import type { ProfileRef } from '../profiles/profile.service';
import type { TrafficRecord } from '../records/traffic-record';
import { scoreLine } from './score-line';
import { lineBlock, StartOrderedLines, type TextSink } from './start-ordered-lines';

export interface ScoreOptions {
  profile: ProfileRef;
  batches: AsyncIterable<TrafficRecord[]>;
  /** Where the JSON lines go. */
  sink: TextSink;
  /** Records arrive out of input order (capture flows, reported when they end): restore start order. */
  reorderByStart: boolean;
  /**
   * With reorderByStart, the earliest start a record after `batch` can have
   * (see CapturePipeline.startWatermark): the lines before it go out at once
   * instead of waiting for the end of the input.
   */
  startWatermark?(batch: readonly TrafficRecord[]): number;
  /** Explain normal records too, not just anomalies (slow). */
  explainAll?: boolean;
  onProgress?(progress: { records: number; anomalies: number }): void;
}

export interface HostCount {
  host: string;
  anomalies: number;
}

export interface ScoreSummary {
  records: number;
  anomalies: number;
  /** Hosts in anomalous records, most anomalies first, at most TOP_HOSTS. */
  sources: HostCount[];
  destinations: HostCount[];
  /** Distinct hosts among anomalous records (counted up to MAX_TRACKED_HOSTS). */
  sourceHosts: number;
  destinationHosts: number;
  seconds: number;
}

const TOP_HOSTS = 5;
/** A spoofed flood makes every source new: the tally stops growing here. */
const MAX_TRACKED_HOSTS = 100_000;

/**
 * Scores record batches through the detection service (so anomalies are
 * stored and published like any other) and writes one JSON line per record,
 * in input order. Two batches are in flight, so reading and scoring one
 * overlaps storing the other's anomalies.
 */
export async function scoreRecords(detection: DetectionService, opts: ScoreOptions): Promise<ScoreSummary> {
  const started = performance.now();
  // Fails before the input is read when the profile has no model.
  await detection.detect(opts.profile, []);
  const sources = new HostTally();
  const destinations = new HostTally();
  const ordered = opts.reorderByStart ? new StartOrderedLines() : undefined;
  let records = 0;
  let anomalies = 0;

  const emit = async (batch: readonly TrafficRecord[], predictions: Prediction[]): Promise<void> => {
    const lines: string[] = [];
    for (const p of predictions) {
      const line = scoreLine(p, opts.explainAll ?? false);
      if (ordered) {
        const spilling = ordered.add(p.record.timestamp ?? 0, line);
        if (spilling) await spilling;
      } else {
        lines.push(line);
      }
      if (!p.isAnomaly) continue;
      anomalies++;
      sources.add(p.record.srcIp);
      destinations.add(p.record.destIp);
    }
    if (lines.length > 0) await opts.sink(lineBlock(lines));
    if (ordered && opts.startWatermark) await ordered.release(opts.startWatermark(batch), opts.sink);
    records += predictions.length;
    opts.onProgress?.({ records, anomalies });
  };

  const inFlight: { batch: TrafficRecord[]; scoring: Promise<Prediction[]> }[] = [];
  const emitFirst = async (): Promise<void> => {
    const { batch, scoring } = inFlight.shift() as (typeof inFlight)[number];
    await emit(batch, await scoring);
  };
  try {
    for await (const batch of opts.batches) {
      const scoring = detection.detect(opts.profile, batch, 'import');
      // Awaited below in order; this keeps a failure from going unobserved while an earlier batch is awaited.
      scoring.catch(() => undefined);
      inFlight.push({ batch, scoring });
      if (inFlight.length > 1) await emitFirst();
    }
    while (inFlight.length > 0) await emitFirst();
    await ordered?.drain(opts.sink);
  } finally {
    await ordered?.close();
  }

  return {
    records,
    anomalies,
    sources: sources.top(TOP_HOSTS),
    destinations: destinations.top(TOP_HOSTS),
    sourceHosts: sources.size,
    destinationHosts: destinations.size,
    seconds: (performance.now() - started) / 1000,
  };
}

class HostTally {
  private readonly counts = new Map<string, number>();

  get size(): number {
    return this.counts.size;
  }

  add(host: string | undefined): void {
    if (host === undefined) return;
    const count = this.counts.get(host);
    if (count !== undefined) this.counts.set(host, count + 1);
    else if (this.counts.size < MAX_TRACKED_HOSTS) this.counts.set(host, 1);
  }

  top(n: number): HostCount[] {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([host, anomalies]) => ({ host, anomalies }));
  }
}
