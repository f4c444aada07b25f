import { DelayedError, Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { BackendOptions, JobBackend, JobHandlers, QueueCounts } from './job-backend';
import { AttemptFailedError, WorkerShutdownError } from './job-errors';

export const TRAINING_QUEUE = 'training';

export interface BullMqOptions extends BackendOptions {
  redisUrl: string;
  prefix: string;
  /** Lock duration and stalled-check interval of workers. */
  stallMs: number;
  queueName?: string;
}

/** A job id (the TrainingJob row), or the profile a scheduler fired for. */
type QueueData = { jobId: string } | { profile: string };

/** Gives up queueing when Redis does not answer: trainModel must answer fast, not hang. */
const QUEUE_TIMEOUT_MS = 3_000;
const BLOCKED_RETRY_MS = 1_000;
const KEEP_FINISHED = { count: 1000 };

/**
 * Training jobs on BullMQ. The processor runs on this process's event loop
 * (it only orchestrates: the fit itself runs in a worker thread), so lock
 * renewal never starves and a killed worker's job is found stalled and run
 * again by another worker.
 */
export class BullMqBackend implements JobBackend {
  readonly kind = 'bullmq';
  private readonly queue: Queue<QueueData>;
  private readonly queueConnection: Redis;
  private readonly workers: Worker<QueueData>[] = [];
  private readonly shutdown = new AbortController();

  constructor(
    private readonly handlers: JobHandlers,
    private readonly options: BullMqOptions,
    private readonly logger: Logger,
  ) {
    // Few retries: while Redis is down a command fails soon instead of waiting for it (withQueueTimeout bounds the rest).
    this.queueConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
    this.queueConnection.on('error', (err) => logger.debug({ err }, 'training queue: redis connection error'));
    this.queue = new Queue<QueueData>(this.queueName, {
      connection: this.queueConnection,
      prefix: options.prefix,
      skipWaitingForReady: true,
      defaultJobOptions: this.jobOptions(),
    });
    this.queue.on('error', (err) => logger.debug({ err }, 'training queue error'));
  }

  get queueName(): string {
    return this.options.queueName ?? TRAINING_QUEUE;
  }

  async enqueue(jobId: string): Promise<void> {
    await withQueueTimeout(this.queue.add('train', { jobId }, { jobId }));
  }

  async remove(jobId: string): Promise<void> {
    // A locked (running) job cannot be removed; its runner sees the cancelled state instead.
    await withQueueTimeout(this.queue.remove(jobId)).catch(() => undefined);
  }

  async startWorkers(concurrency: number): Promise<void> {
    if (concurrency < 1) return;
    const worker = new Worker<QueueData>(this.queueName, (job, token) => this.process(job, token), {
      connection: { url: this.options.redisUrl },
      prefix: this.options.prefix,
      concurrency,
      lockDuration: this.options.stallMs,
      stalledInterval: this.options.stallMs,
      // A killed worker counts like a failed try: the job is resumed as often as it may be retried.
      maxStalledCount: this.options.attempts,
      removeOnComplete: KEEP_FINISHED,
      removeOnFail: KEEP_FINISHED,
    });
    worker.on('error', (err) => this.logger.warn({ err }, 'training worker error'));
    this.workers.push(worker);
  }

  async schedule(profile: string, everyMs: number | null): Promise<void> {
    const id = `retrain:${profile}`;
    if (everyMs === null) {
      await withQueueTimeout(this.queue.removeJobScheduler(id));
      return;
    }
    // Unchanged: its clock keeps running (every server start and profile edit comes here).
    if ((await withQueueTimeout(this.queue.getJobScheduler(id)))?.every === everyMs) return;
    // The first retrain one interval from now, as with the in-process timer (BullMQ would run it at once).
    const repeat = { every: everyMs, startDate: Date.now() + everyMs };
    await withQueueTimeout(this.queue.upsertJobScheduler(id, repeat, { name: 'retrain', data: { profile }, opts: this.jobOptions() }));
  }

  async workerCount(): Promise<number> {
    return withQueueTimeout(this.queue.getWorkersCount());
  }

  async counts(): Promise<QueueCounts> {
    const c = await withQueueTimeout(this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed'));
    return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0 };
  }

  async close(): Promise<void> {
    // Running jobs stay ACTIVE and locked until their lock expires; another worker resumes them.
    await Promise.all(this.workers.map((w) => w.close(true)));
    this.shutdown.abort(new WorkerShutdownError());
    await this.queue.close();
    this.queueConnection.disconnect();
  }

  private jobOptions(): JobsOptions {
    return {
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: this.options.backoffMs },
      removeOnComplete: KEEP_FINISHED,
      removeOnFail: KEEP_FINISHED,
    };
  }

  private async process(job: Job<QueueData>, token?: string): Promise<void> {
    let jobId: string;
    if ('jobId' in job.data) {
      jobId = job.data.jobId;
    } else {
      jobId = await this.handlers.createScheduledJob(job.data.profile).catch((err: unknown) => {
        throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
      });
      await job.updateData({ jobId });
    }
    try {
      const result = await this.handlers.runner.run(jobId, {
        number: job.attemptsMade + 1,
        max: job.opts.attempts ?? 1,
        signal: this.shutdown.signal,
        onProgress: (p) => job.updateProgress(p),
      });
      if (result.outcome !== 'blocked') return;
      await this.reconcile(result.by);
      await job.moveToDelayed(Date.now() + BLOCKED_RETRY_MS, token);
      throw new DelayedError();
    } catch (err) {
      if (err instanceof AttemptFailedError && !err.retry) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  /** An ACTIVE job whose queue entry failed for good (stalled too often) or vanished never finishes by itself. */
  private async reconcile(blockerId: string): Promise<void> {
    const blocker = await this.queue.getJob(blockerId);
    const state = blocker ? await blocker.getState() : 'unknown';
    if (state === 'failed' || state === 'completed' || state === 'unknown') {
      await this.handlers.orphaned(blockerId, blocker?.failedReason || 'its worker stopped and the queue no longer holds it');
    }
  }
}

async function withQueueTimeout<T>(operation: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${QUEUE_TIMEOUT_MS} ms`)), QUEUE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([operation, timeout]);
  } catch (err) {
    throw new AppError(ErrorCode.QUEUE_UNAVAILABLE, `The training queue is unavailable: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    clearTimeout(timer);
  }
}
