import type { Logger } from 'pino';
import type { ModelCache } from '../detection/model-cache';
import type { Json } from '../detectors/detector.types';
import type { EventBus } from '../events/pubsub';
import type { ModelRepository } from '../models/model.repository';
import { fitInThread } from './fit-in-thread';
import { AttemptFailedError, JobCancelledError, WorkerShutdownError, describeError, isRetryable } from './job-errors';
import { announceActivation } from './model-activation';
import { toJobView, type TrainingJobRepository, type TrainingJobRow, type TrainingJobView } from './training-job.repository';
import type { TrainingRequest } from './training-request';

export interface RunnerDeps {
  jobs: TrainingJobRepository;
  models: ModelRepository;
  events: EventBus;
  cache: ModelCache;
  logger: Logger;
  databaseUrl: string;
  memoryMb: number;
}

export interface Attempt {
  /** 1-based number of this try, and how many tries the job has. */
  number: number;
  max: number;
  /** Aborted with a WorkerShutdownError when the process stops. */
  signal: AbortSignal;
  /** Mirrors progress into the queue backend (BullMQ's job progress). */
  onProgress?(fraction: number): Promise<void> | void;
}

export type RunResult = { outcome: 'completed' | 'skipped' } | { outcome: 'blocked'; by: string };

/** Between database writes of progress: often enough for a live bar, rare enough to cost nothing. */
const PROGRESS_INTERVAL_MS = 250;
/** How often a running job checks whether it was cancelled from another process. */
const CANCEL_POLL_MS = 500;

export function publishJob(events: EventBus, view: TrainingJobView): void {
  events.publish('TRAINING_PROGRESS', view.id, view as unknown as Json);
}

/**
 * Runs one attempt of a training job, the same for every queue backend: claim
 * the profile's slot, fit in a worker thread, then store and activate the new
 * models in one transaction only if everything succeeded. Throws
 * AttemptFailedError (with whether to retry) or WorkerShutdownError.
 */
export class TrainingRunner {
  constructor(private readonly deps: RunnerDeps) {}

  async run(jobId: string, attempt: Attempt): Promise<RunResult> {
    const { jobs } = this.deps;
    const start = await jobs.start(jobId);
    if ('finished' in start) return { outcome: 'skipped' };
    if ('blockedBy' in start) {
      await jobs.note(jobId, `waiting for job ${start.blockedBy} of the same profile`);
      publishJob(this.deps.events, toJobView(await jobs.get(jobId)));
      return { outcome: 'blocked', by: start.blockedBy };
    }
    const job = start.started;
    publishJob(this.deps.events, toJobView(job));
    this.deps.logger.info({ jobId, profile: job.profile.name, attempt: attempt.number }, 'training job started');
    try {
      await this.fitAndCommit(job, attempt);
      return { outcome: 'completed' };
    } catch (err) {
      throw await this.failed(job, err, attempt);
    }
  }

  private async fitAndCommit(job: TrainingJobRow, attempt: Attempt): Promise<void> {
    const { jobs, models, events, cache } = this.deps;
    const cancel = new AbortController();
    const progress = new ProgressWriter(job, this.deps, attempt, () => cancel.abort(new JobCancelledError()));
    const poll = setInterval(() => {
      void jobs.state(job.id).then(
        (state) => state === 'CANCELLED' && cancel.abort(new JobCancelledError()),
        () => undefined,
      );
    }, CANCEL_POLL_MS);
    try {
      const trained = await fitInThread(
        { profileId: job.profileId, databaseUrl: this.deps.databaseUrl, request: job.request as unknown as TrainingRequest },
        { signal: AbortSignal.any([attempt.signal, cancel.signal]), memoryMb: this.deps.memoryMb, onProgress: (f, m) => progress.report(f, m) },
      );
      await progress.flush();
      const done = await jobs.complete(job.id, (tx) => models.saveAndActivate(job.profileId, trained, job.id, tx));
      announceActivation(events, cache, { site: job.profile.site.name, name: job.profile.name }, done.models);
      publishJob(events, toJobView(done.job));
      this.deps.logger.info({ jobId: job.id, models: done.job.modelIds }, 'training job completed');
    } finally {
      clearInterval(poll);
      await progress.flush();
    }
  }

  private async failed(job: TrainingJobRow, err: unknown, attempt: Attempt): Promise<Error> {
    if (err instanceof WorkerShutdownError) return err;
    if (err instanceof JobCancelledError) return new AttemptFailedError(err.message, false);
    const message = describeError(err);
    const retry = isRetryable(err) && attempt.number < attempt.max;
    this.deps.logger.warn({ jobId: job.id, attempt: attempt.number, retry, err }, 'training attempt failed');
    const row = retry
      ? await this.deps.jobs.requeue(job.id, message, `attempt ${attempt.number} of ${attempt.max} failed; retrying`)
      : await this.deps.jobs.fail(job.id, message);
    if (row) publishJob(this.deps.events, toJobView(row));
    return new AttemptFailedError(message, retry);
  }
}

/** Throttled, serialized progress writes; a write that finds the job no longer ACTIVE means it was cancelled. */
class ProgressWriter {
  private chain: Promise<void> = Promise.resolve();
  private lastWrite = 0;
  private latest: { fraction: number; message: string } | undefined;

  constructor(
    private readonly job: TrainingJobRow,
    private readonly deps: RunnerDeps,
    private readonly attempt: Attempt,
    private readonly onCancelled: () => void,
  ) {}

  report(fraction: number, message: string): void {
    this.latest = { fraction, message };
    const now = Date.now();
    if (now - this.lastWrite < PROGRESS_INTERVAL_MS) return;
    this.lastWrite = now;
    this.write();
  }

  flush(): Promise<void> {
    return this.chain;
  }

  private write(): void {
    const { fraction, message } = this.latest!;
    // The final 1.0 belongs to COMPLETED; a running job shows at most 99%.
    const progress = Math.min(0.99, Math.round(fraction * 1000) / 1000);
    this.chain = this.chain.then(async () => {
      try {
        if (!(await this.deps.jobs.progress(this.job.id, progress, message))) return this.onCancelled();
        publishJob(this.deps.events, { ...toJobView(this.job), progress, message });
        await this.attempt.onProgress?.(progress);
      } catch (err) {
        this.deps.logger.warn({ err, jobId: this.job.id }, 'could not record training progress');
      }
    });
  }
}
