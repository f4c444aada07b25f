import type { Model, PrismaClient } from '@prisma/client';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { ModelCache } from '../detection/model-cache';
import type { DetectorRegistry } from '../detectors/registry';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { EventBus } from '../events/pubsub';
import type { ModelRepository } from '../models/model.repository';
import { parseProfileKey, profileKey, type ProfileRef, type ProfileService } from '../profiles/profile.service';
import { BullMqBackend } from './bullmq.backend';
import { InProcessBackend } from './in-process.backend';
import type { JobBackend, JobHandlers } from './job-backend';
import { describeError } from './job-errors';
import { announceActivation } from './model-activation';
import { TERMINAL_STATES, TrainingJobRepository, toJobView, type TrainingJobRow, type TrainingJobView } from './training-job.repository';
import { resolveTrainingRequest, type TrainingInput, type TrainingSource } from './training-request';
import { TrainingRunner, publishJob } from './training.runner';

export interface TrainingServiceDeps {
  config: Config;
  logger: Logger;
  prisma: PrismaClient;
  databaseUrl: string;
  registry: DetectorRegistry;
  events: EventBus;
  profiles: ProfileService;
  models: ModelRepository;
  cache: ModelCache;
}

export interface StartOptions {
  /** Jobs this process runs at a time; 0 = only queue them. */
  workers: number;
  /** In-process backend: run the jobs a previous run of this process left unfinished. */
  recover?: boolean;
  /** Keep the profiles' `retrainEvery` schedules in step with the profiles. */
  schedules?: boolean;
}

/** How often `watch` re-reads a job, in case an event was missed. */
const WATCH_POLL_MS = 1_000;

/**
 * Training as jobs: submit, observe, cancel, activate. The queue is BullMQ
 * with REDIS_URL and an in-process runner without; both run jobs through the
 * same TrainingRunner and the same TrainingJob rows.
 */
export class TrainingService {
  readonly jobs: TrainingJobRepository;
  readonly backend: JobBackend;
  private stopWatchingProfiles?: () => Promise<unknown>;

  constructor(
    private readonly deps: TrainingServiceDeps,
    queueName?: string,
  ) {
    this.jobs = new TrainingJobRepository(deps.prisma);
    const t = deps.config.training;
    const runner = new TrainingRunner({
      jobs: this.jobs,
      models: deps.models,
      events: deps.events,
      cache: deps.cache,
      logger: deps.logger,
      databaseUrl: deps.databaseUrl,
      memoryMb: t.memoryMb,
    });
    const handlers: JobHandlers = {
      runner,
      createScheduledJob: async (key) => (await this.store(parseProfileKey(key), {})).id,
      orphaned: async (jobId, reason) => {
        const row = await this.jobs.fail(jobId, reason);
        if (row) publishJob(deps.events, toJobView(row));
      },
    };
    const options = { attempts: t.attempts, backoffMs: t.backoffMs };
    this.backend = deps.config.redisUrl
      ? new BullMqBackend(handlers, { ...options, redisUrl: deps.config.redisUrl, prefix: t.queuePrefix, stallMs: t.stallMs, queueName }, deps.logger)
      : new InProcessBackend(handlers, options, deps.logger);
  }

  async start(opts: StartOptions): Promise<void> {
    await this.backend.startWorkers(opts.workers);
    if (opts.recover && this.backend.kind === 'in-process') {
      for (const job of await this.jobs.unfinished()) await this.backend.enqueue(job.id);
    }
    if (opts.schedules) await this.syncSchedules();
  }

  /** Stores and queues a job. Throws QUEUE_UNAVAILABLE (and records the job FAILED) when it cannot be queued. */
  async submit(profile: ProfileRef, input: TrainingInput, source?: TrainingSource): Promise<TrainingJobRow> {
    const row = await this.store(profile, input, source);
    try {
      await this.backend.enqueue(row.id);
    } catch (err) {
      const failed = await this.jobs.fail(row.id, describeError(err));
      if (failed) publishJob(this.deps.events, toJobView(failed));
      throw err;
    }
    return row;
  }

  /** With `site`, another site's job is "not found". */
  async get(id: string, site?: string): Promise<TrainingJobRow> {
    const row = await this.jobs.get(id);
    if (site !== undefined && row.profile.site.name !== site) {
      throw new AppError(ErrorCode.JOB_NOT_FOUND, `No training job ${id}`, { id });
    }
    return row;
  }

  async list(profile: ProfileRef, first: number, after?: string) {
    return this.jobs.list((await this.deps.profiles.get(profile)).id, first, after);
  }

  /** A queued job never starts; a running one stops within a second and leaves the active models alone. */
  async cancel(id: string, site?: string): Promise<TrainingJobRow> {
    const row = await this.get(id, site);
    const cancelled = TERMINAL_STATES.includes(row.state) ? undefined : await this.jobs.cancel(id);
    if (!cancelled) {
      const now = await this.jobs.get(id);
      throw new AppError(ErrorCode.CONFLICT, `Job ${id} is already ${now.state}`, { id, state: now.state });
    }
    await this.backend.remove(id);
    publishJob(this.deps.events, toJobView(cancelled));
    return cancelled;
  }

  /** Roll back or forward: the model becomes the active version of its detector. */
  async activateModel(id: string, site: string): Promise<{ model: Model; profile: string }> {
    const target = await this.deps.models.byId(id);
    const ref = await this.profileRefOf(target.profileId);
    if (ref.site !== site) throw new AppError(ErrorCode.MODEL_NOT_FOUND, `No model ${id}`, { id });
    const model = await this.deps.models.activate(id);
    announceActivation(this.deps.events, this.deps.cache, ref, [model]);
    return { model, profile: ref.name };
  }

  private async profileRefOf(profileId: string): Promise<ProfileRef> {
    const p = await this.deps.prisma.profile.findUniqueOrThrow({ where: { id: profileId }, select: { name: true, site: { select: { name: true } } } });
    return { site: p.site.name, name: p.name };
  }

  /**
   * The job now, then every change until it is finished. Events give the live
   * updates; a periodic re-read covers any that were missed (Redis pub/sub
   * keeps nothing for a subscriber that was not listening).
   */
  async *watch(id: string): AsyncGenerator<TrainingJobView> {
    const events = this.deps.events.subscribe('TRAINING_PROGRESS', id)[Symbol.asyncIterator]();
    let nextEvent = events.next();
    let last: TrainingJobView | undefined;
    try {
      let current = toJobView(await this.jobs.get(id));
      for (;;) {
        if (isNewer(current, last)) {
          last = current;
          yield current;
        }
        if (TERMINAL_STATES.includes(current.state)) return;
        const next = await Promise.race([nextEvent, delay(WATCH_POLL_MS)]);
        if (next === undefined) {
          current = toJobView(await this.jobs.get(id));
        } else if (next.done) {
          return;
        } else {
          current = next.value as unknown as TrainingJobView;
          nextEvent = events.next();
        }
      }
    } finally {
      await events.return?.();
    }
  }

  /** Resolves with the job once it is COMPLETED, FAILED or CANCELLED. */
  async waitFor(id: string, onUpdate?: (job: TrainingJobView) => void): Promise<TrainingJobView> {
    let last: TrainingJobView | undefined;
    for await (const job of this.watch(id)) {
      last = job;
      onUpdate?.(job);
    }
    return last!;
  }

  async close(): Promise<void> {
    await this.stopWatchingProfiles?.();
    await this.backend.close();
  }

  private async store(ref: ProfileRef, input: TrainingInput, source?: TrainingSource): Promise<TrainingJobRow> {
    const profile = await this.deps.profiles.get(ref);
    const request = resolveTrainingRequest(profile, input, this.deps.registry, source);
    const row = await this.jobs.create(profile.id, request);
    publishJob(this.deps.events, toJobView(row));
    return row;
  }

  /** Profile changes are announced as MODELS_CHANGED; each one may have changed `retrainEvery`. */
  private async syncSchedules(): Promise<void> {
    const sync = async (ref: ProfileRef) => {
      const profile = await this.deps.profiles.find(ref);
      await this.backend.schedule(profileKey(ref), profile?.retrainEvery ? profile.retrainEvery * 1000 : null);
    };
    const syncLogged = (ref: ProfileRef) =>
      sync(ref).catch((err: unknown) => this.deps.logger.warn({ err, profile: profileKey(ref) }, 'could not schedule retraining'));
    for (const ref of await this.deps.profiles.listAll()) await syncLogged(ref);
    const changes = this.deps.events.subscribe('MODELS_CHANGED');
    void (async () => {
      for await (const { site, profile } of changes) await syncLogged({ site, name: profile });
    })();
    this.stopWatchingProfiles = () => changes.return();
  }
}

/** Events can arrive out of order with a re-read; a job's progress never goes back within one state. */
function isNewer(current: TrainingJobView, last: TrainingJobView | undefined): boolean {
  if (!last) return true;
  if (current.state !== last.state || current.attempts !== last.attempts) return true;
  return current.progress > last.progress || (current.progress === last.progress && current.message !== last.message);
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
