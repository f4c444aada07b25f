import type { Logger } from 'pino';
import type { BackendOptions, JobBackend, JobHandlers, QueueCounts } from './job-backend';
import { AttemptFailedError, WorkerShutdownError } from './job-errors';

/** How long a job waits before trying again to claim its profile's slot. */
const BLOCKED_RETRY_MS = 500;

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Without REDIS_URL jobs run here, in this process, with the same runner,
 * retry policy and per-profile rule as under BullMQ. Jobs live in PostgreSQL,
 * so the server re-queues unfinished ones when it starts.
 */
export class InProcessBackend implements JobBackend {
  readonly kind = 'in-process';
  private readonly pending: string[] = [];
  private readonly running = new Map<string, Running>();
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private readonly schedules = new Map<string, { everyMs: number; timer: NodeJS.Timeout }>();
  private concurrency = 0;
  private closed = false;

  constructor(
    private readonly handlers: JobHandlers,
    private readonly options: BackendOptions,
    private readonly logger: Logger,
  ) {}

  async enqueue(jobId: string): Promise<void> {
    if (this.pending.includes(jobId) || this.running.has(jobId) || this.waiting.has(jobId)) return;
    this.pending.push(jobId);
    this.pump();
  }

  async remove(jobId: string): Promise<void> {
    const i = this.pending.indexOf(jobId);
    if (i >= 0) this.pending.splice(i, 1);
    clearTimeout(this.waiting.get(jobId));
    this.waiting.delete(jobId);
    this.failures.delete(jobId);
  }

  async startWorkers(concurrency: number): Promise<void> {
    this.concurrency = concurrency;
    this.pump();
  }

  async schedule(profile: string, everyMs: number | null): Promise<void> {
    const current = this.schedules.get(profile);
    // Unchanged: the timer keeps running, so profile edits and new models do not postpone the next retrain.
    if (current?.everyMs === everyMs) return;
    clearInterval(current?.timer);
    this.schedules.delete(profile);
    if (everyMs === null || this.closed) return;
    const timer = setInterval(() => {
      this.handlers.createScheduledJob(profile).then(
        (jobId) => this.enqueue(jobId),
        (err: unknown) => this.logger.error({ err, profile }, 'scheduled retraining could not be queued'),
      );
    }, everyMs);
    this.schedules.set(profile, { everyMs, timer });
  }

  async workerCount(): Promise<number> {
    return this.concurrency;
  }

  async counts(): Promise<QueueCounts> {
    return { waiting: this.pending.length, active: this.running.size, delayed: this.waiting.size };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.schedules.values()) clearInterval(s.timer);
    for (const t of this.waiting.values()) clearTimeout(t);
    this.pending.length = 0;
    for (const r of this.running.values()) r.controller.abort(new WorkerShutdownError());
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.concurrency && this.pending.length > 0) {
      const jobId = this.pending.shift()!;
      const controller = new AbortController();
      const done = this.execute(jobId, controller.signal).finally(() => {
        this.running.delete(jobId);
        this.pump();
      });
      this.running.set(jobId, { controller, done });
    }
  }

  private async execute(jobId: string, signal: AbortSignal): Promise<void> {
    const made = this.failures.get(jobId) ?? 0;
    try {
      const result = await this.handlers.runner.run(jobId, { number: made + 1, max: this.options.attempts, signal });
      if (result.outcome === 'blocked') return this.later(jobId, BLOCKED_RETRY_MS);
      this.failures.delete(jobId);
    } catch (err) {
      if (err instanceof WorkerShutdownError) return;
      const retry = err instanceof AttemptFailedError ? err.retry : made + 1 < this.options.attempts;
      if (!(err instanceof AttemptFailedError)) this.logger.error({ err, jobId }, 'training job could not run');
      if (!retry) {
        this.failures.delete(jobId);
        return;
      }
      this.failures.set(jobId, made + 1);
      this.later(jobId, this.options.backoffMs * 2 ** made);
    }
  }

  private later(jobId: string, ms: number): void {
    if (this.closed) return;
    this.waiting.set(
      jobId,
      setTimeout(() => {
        this.waiting.delete(jobId);
        void this.enqueue(jobId);
      }, ms),
    );
  }
}
