import type { Logger } from 'pino';
import type { DetectionService } from '../detection/detection.service';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { ProfileRef, ProfileService } from '../profiles/profile.service';
import { captureKindOf } from './capture-profile';
import { capturePipeline, type CapturePipeline } from './capture.pipeline';
import { LiveCapture, type LiveCaptureOptions } from './live-capture';

export type CaptureState = 'RUNNING' | 'STOPPED' | 'FAILED';

export interface CaptureStatus {
  interface: string;
  /** The site whose profile the capture scores into: only that site sees or stops it. */
  site: string;
  profile: string;
  bpf: string | null;
  state: CaptureState;
  startedAt: Date;
  stoppedAt: Date | null;
  /** Packets read from tcpdump. */
  packets: number;
  /** Flows reported so far (0 for a packet profile). */
  flows: number;
  /** Records scored: packets or flows. */
  records: number;
  anomalies: number;
  /** Packets the kernel dropped because the capture fell behind. */
  drops: number;
  /** Records lost because scoring them failed (the capture goes on). */
  unscored: number;
  /** Why the capture failed, or the last scoring error. */
  error: string | null;
}

export interface CaptureManagerDeps {
  detection: DetectionService;
  profiles: ProfileService;
  logger: Logger;
}

export type StartCaptureOptions = Pick<LiveCaptureOptions, 'interface' | 'bpf' | 'searchPath'> & { profile: ProfileRef };

/** Records per detection call; small, so a quiet network's anomalies are not held back. */
const BATCH_SIZE = 1000;
/** A partial batch waits at most this long (wall clock) for more records. */
const MAX_BATCH_DELAY_MS = 1000;
/** How often tcpdump is asked for the kernel's drop counters. */
const COUNTER_INTERVAL_MS = 2000;

class RunningCapture {
  readonly status: CaptureStatus;
  done: Promise<void> = Promise.resolve();

  constructor(
    readonly live: LiveCapture,
    readonly pipeline: CapturePipeline,
    options: StartCaptureOptions,
  ) {
    this.status = {
      interface: options.interface,
      site: options.profile.site,
      profile: options.profile.name,
      bpf: options.bpf?.trim() || null,
      state: 'RUNNING',
      startedAt: new Date(),
      stoppedAt: null,
      packets: 0,
      flows: 0,
      records: 0,
      anomalies: 0,
      drops: 0,
      unscored: 0,
      error: null,
    };
  }

  /** The counters as of now. */
  snapshot(): CaptureStatus {
    const stats = this.pipeline.stats;
    this.status.packets = stats.capture.packets;
    this.status.flows = stats.flows?.flows ?? 0;
    this.status.drops = this.live.dropped;
    return { ...this.status };
  }
}

/**
 * Live captures of the running process, at most one per interface: tcpdump →
 * capture pipeline → the detection service, so live anomalies are stored and
 * published like any other. Scoring keeps pace or the kernel drops packets
 * (counted); a failed batch is counted and the capture goes on. The last
 * capture of each interface stays visible after it ends.
 */
export class CaptureManager {
  private readonly captures = new Map<string, RunningCapture>();
  /** Interfaces between the start request and tcpdump listening. */
  private readonly starting = new Set<string>();
  private closed = false;

  constructor(private readonly deps: CaptureManagerDeps) {}

  async start(options: StartCaptureOptions): Promise<CaptureStatus> {
    const iface = options.interface;
    if (this.starting.has(iface) || this.captures.get(iface)?.status.state === 'RUNNING') {
      throw new AppError(ErrorCode.CAPTURE_ALREADY_RUNNING, `a capture is already running on ${iface}; stop it first`, { interface: iface });
    }
    this.starting.add(iface);
    try {
      const kind = captureKindOf(await this.deps.profiles.get(options.profile));
      // Throws what the first batch would (no active model) before tcpdump starts.
      await this.deps.detection.detect(options.profile, []);
      const live = await LiveCapture.start(options);
      if (this.closed) {
        // The server began shutting down while tcpdump started: close() did not see this capture.
        await live.stop();
        throw new AppError(ErrorCode.CAPTURE_ERROR, 'the server is shutting down', { interface: iface });
      }
      const pipeline = capturePipeline(live.source, { kind, windowed: true, batchSize: BATCH_SIZE, maxBatchDelayMs: MAX_BATCH_DELAY_MS });
      const capture = new RunningCapture(live, pipeline, options);
      capture.done = this.run(capture);
      this.captures.set(iface, capture);
      this.deps.logger.info({ interface: iface, profile: options.profile.name, site: options.profile.site, bpf: capture.status.bpf, kind }, 'live capture started');
      return capture.snapshot();
    } finally {
      this.starting.delete(iface);
    }
  }

  /** Stops the interface's capture once its last records are scored. With `site`, only that site's capture. */
  async stop(iface: string, site?: string): Promise<CaptureStatus> {
    const capture = this.captures.get(iface);
    if (!capture || capture.status.state !== 'RUNNING' || (site !== undefined && capture.status.site !== site)) {
      throw new AppError(ErrorCode.CAPTURE_NOT_RUNNING, `no capture is running on ${iface}`, { interface: iface });
    }
    await capture.live.stop();
    await capture.done;
    return capture.snapshot();
  }

  /** Every interface's current or last capture, or just the named one's; with `site`, that site's only. */
  status(iface?: string, site?: string): CaptureStatus[] {
    const captures = iface === undefined ? [...this.captures.values()] : [this.captures.get(iface)].filter((c) => c !== undefined);
    return captures.filter((c) => site === undefined || c.status.site === site).map((c) => c.snapshot());
  }

  /** Server shutdown: ends every capture after scoring what was captured. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.captures.values()].filter((c) => c.status.state === 'RUNNING');
    await Promise.all(running.map((c) => this.stop(c.status.interface)));
  }

  private async run(capture: RunningCapture): Promise<void> {
    const { status, live, pipeline } = capture;
    const { detection, logger } = this.deps;
    const counters = setInterval(() => live.refreshCounters(), COUNTER_INTERVAL_MS);
    try {
      for await (const batch of pipeline) {
        try {
          const predictions = await detection.detect({ site: status.site, name: status.profile }, batch, 'capture');
          status.records += batch.length;
          for (const p of predictions) if (p.isAnomaly) status.anomalies++;
        } catch (err) {
          status.unscored += batch.length;
          status.error = (err as Error).message;
          logger.warn({ err, interface: status.interface, records: batch.length }, 'live capture: scoring a batch failed');
        }
      }
      await live.exited;
      if (live.failed) this.fail(capture, `tcpdump stopped: ${live.lastMessage || 'no reason given'}`);
    } catch (err) {
      this.fail(capture, (err as Error).message);
    } finally {
      clearInterval(counters);
      await live.stop();
      if (status.state === 'RUNNING') status.state = 'STOPPED';
      status.stoppedAt = new Date();
      logger.info(capture.snapshot(), 'live capture ended');
    }
  }

  private fail(capture: RunningCapture, message: string): void {
    capture.status.state = 'FAILED';
    capture.status.error = message;
    this.deps.logger.error({ interface: capture.status.interface, error: message }, 'live capture failed');
  }
}
