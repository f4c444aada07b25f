import type { TrainingRunner } from './training.runner';

/** What a queue backend calls back into; the same for BullMQ and the in-process runner. */
export interface JobHandlers {
  runner: TrainingRunner;
  /** Stores a job for a periodic retrain of the profile (its `profileKey`) and returns its id. */
  createScheduledJob(profile: string): Promise<string>;
  /** A job left ACTIVE by a worker that is gone for good: record it as failed. */
  orphaned(jobId: string, reason: string): Promise<void>;
}

/** Jobs in the queue by state; a finished job is in none of them. */
export interface QueueCounts {
  /** Queued, not started yet. */
  waiting: number;
  /** Running now. */
  active: number;
  /** Waiting for a retry backoff, or behind a running job of the same profile. */
  delayed: number;
}

export interface BackendOptions {
  attempts: number;
  backoffMs: number;
}

/**
 * Decides when and where stored training jobs run. The job's state lives in
 * PostgreSQL (TrainingJobRepository); a backend only moves job ids around.
 */
export interface JobBackend {
  readonly kind: 'bullmq' | 'in-process';
  /** Throws QUEUE_UNAVAILABLE when the job cannot be queued. */
  enqueue(jobId: string): Promise<void>;
  /** Drops a job that has not started yet; a running job notices its cancellation itself. */
  remove(jobId: string): Promise<void>;
  /** Runs up to `concurrency` jobs at a time in this process. */
  startWorkers(concurrency: number): Promise<void>;
  /** Periodic retraining of a profile (its `profileKey`); null stops it. */
  schedule(profile: string, everyMs: number | null): Promise<void>;
  /** Workers currently able to take jobs, in any process. */
  workerCount(): Promise<number>;
  /** Jobs in the queue now, for the metrics. Throws QUEUE_UNAVAILABLE when the queue cannot be read. */
  counts(): Promise<QueueCounts>;
  close(): Promise<void>;
}
