import type { JobState, Model, Prisma, PrismaClient, TrainingJob } from '@prisma/client';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { JobCancelledError } from './job-errors';
import type { TrainingRequest } from './training-request';

export type TrainingJobRow = TrainingJob & { profile: { name: string; site: { name: string } } };

/** JSON-safe picture of a job: what events carry and GraphQL shows. */
export interface TrainingJobView {
  id: string;
  site: string;
  profile: string;
  state: JobState;
  progress: number;
  message: string | null;
  error: string | null;
  attempts: number;
  modelIds: string[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type StartResult = { started: TrainingJobRow } | { blockedBy: string } | { finished: TrainingJobRow };

export const TERMINAL_STATES: readonly JobState[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
const UNFINISHED: JobState[] = ['QUEUED', 'ACTIVE'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WITH_PROFILE = { profile: { select: { name: true, site: { select: { name: true } } } } } as const;
/** Saving large model states inside the completion transaction can take a while. */
const COMMIT_TIMEOUT_MS = 120_000;

export function toJobView(row: TrainingJobRow): TrainingJobView {
  return {
    id: row.id,
    site: row.profile.site.name,
    profile: row.profile.name,
    state: row.state,
    progress: row.progress,
    message: row.message,
    error: row.error,
    attempts: row.attempts,
    modelIds: row.modelIds,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/**
 * The durable record of every training job. The queue (BullMQ or in-process)
 * only says *when* a job runs; its state lives here, so every change is
 * visible in `trainingJob` whichever process runs it.
 */
export class TrainingJobRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(profileId: string, request: TrainingRequest): Promise<TrainingJobRow> {
    return this.prisma.trainingJob.create({
      data: { profileId, request: request as unknown as Prisma.InputJsonValue, message: 'queued' },
      include: WITH_PROFILE,
    });
  }

  async get(id: string): Promise<TrainingJobRow> {
    const row = UUID.test(id) ? await this.prisma.trainingJob.findUnique({ where: { id }, include: WITH_PROFILE }) : null;
    if (!row) throw new AppError(ErrorCode.JOB_NOT_FOUND, `No training job with id ${id}`, { id });
    return row;
  }

  /** Newest first; `after` is the id of the last job of the previous page. */
  async list(profileId: string, first: number, after?: string): Promise<{ rows: TrainingJobRow[]; hasNextPage: boolean }> {
    if (after !== undefined) await this.get(after);
    const rows = await this.prisma.trainingJob.findMany({
      where: { profileId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
      ...(after !== undefined ? { cursor: { id: after }, skip: 1 } : {}),
      include: WITH_PROFILE,
    });
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  unfinished(profileId?: string): Promise<TrainingJobRow[]> {
    return this.prisma.trainingJob.findMany({
      where: { state: { in: UNFINISHED }, ...(profileId ? { profileId } : {}) },
      orderBy: { createdAt: 'asc' },
      include: WITH_PROFILE,
    });
  }

  /**
   * Claims the profile's training slot: a job becomes ACTIVE only while no other
   * job of its profile is. The profile row lock makes the check-and-set atomic
   * across processes; the job's own id may be ACTIVE already (a stalled job
   * picked up again).
   */
  start(id: string): Promise<StartResult> {
    return this.prisma.$transaction(async (tx) => {
      const state = await lockJob(tx, id);
      if (state === undefined) throw new AppError(ErrorCode.JOB_NOT_FOUND, `No training job with id ${id}`, { id });
      const row = await tx.trainingJob.findUniqueOrThrow({ where: { id }, include: WITH_PROFILE });
      if (TERMINAL_STATES.includes(state)) return { finished: row };
      await tx.$queryRaw`SELECT id FROM "Profile" WHERE id = ${row.profileId}::uuid FOR UPDATE`;
      const other = await tx.trainingJob.findFirst({
        where: { profileId: row.profileId, state: 'ACTIVE', id: { not: id } },
        select: { id: true },
      });
      if (other) return { blockedBy: other.id };
      const started = await tx.trainingJob.update({
        where: { id },
        data: { state: 'ACTIVE', startedAt: new Date(), attempts: { increment: 1 }, progress: 0, message: 'started' },
        include: WITH_PROFILE,
      });
      return { started };
    });
  }

  /** False when the job is no longer ACTIVE (cancelled meanwhile). */
  async progress(id: string, progress: number, message: string): Promise<boolean> {
    const res = await this.prisma.trainingJob.updateMany({ where: { id, state: 'ACTIVE' }, data: { progress, message } });
    return res.count === 1;
  }

  async state(id: string): Promise<JobState | undefined> {
    const row = await this.prisma.trainingJob.findUnique({ where: { id }, select: { state: true } });
    return row?.state;
  }

  /**
   * Runs `commit` (which stores and activates the models) in the same transaction
   * that holds the job row: a cancel arriving meanwhile waits, then finds the
   * job COMPLETED. A job cancelled before is never committed.
   */
  complete(id: string, commit: (tx: Prisma.TransactionClient) => Promise<Model[]>): Promise<{ job: TrainingJobRow; models: Model[] }> {
    return this.prisma.$transaction(
      async (tx) => {
        if ((await lockJob(tx, id)) !== 'ACTIVE') throw new JobCancelledError();
        const models = await commit(tx);
        const job = await tx.trainingJob.update({
          where: { id },
          data: {
            state: 'COMPLETED',
            progress: 1,
            message: `activated ${models.map((m) => `${m.detector} v${m.version}`).join(', ')}`,
            modelIds: models.map((m) => m.id),
            error: null,
            finishedAt: new Date(),
          },
          include: WITH_PROFILE,
        });
        return { job, models };
      },
      { timeout: COMMIT_TIMEOUT_MS },
    );
  }

  /** QUEUED again after a failed attempt that will be retried. */
  requeue(id: string, error: string, message: string): Promise<TrainingJobRow | undefined> {
    return this.transition(id, UNFINISHED, { state: 'QUEUED', error, message });
  }

  fail(id: string, error: string): Promise<TrainingJobRow | undefined> {
    return this.transition(id, UNFINISHED, { state: 'FAILED', error, message: 'failed', finishedAt: new Date() });
  }

  cancel(id: string): Promise<TrainingJobRow | undefined> {
    return this.transition(id, UNFINISHED, { state: 'CANCELLED', message: 'cancelled', finishedAt: new Date() });
  }

  /** Sets the waiting message of a queued job without touching its state. */
  async note(id: string, message: string): Promise<void> {
    await this.prisma.trainingJob.updateMany({ where: { id, state: 'QUEUED' }, data: { message } });
  }

  private async transition(id: string, from: JobState[], data: Prisma.TrainingJobUpdateManyMutationInput): Promise<TrainingJobRow | undefined> {
    const res = await this.prisma.trainingJob.updateMany({ where: { id, state: { in: from } }, data });
    return res.count === 1 ? this.get(id) : undefined;
  }
}

async function lockJob(tx: Prisma.TransactionClient, id: string): Promise<JobState | undefined> {
  const rows = await tx.$queryRaw<{ state: JobState }[]>`SELECT state FROM "TrainingJob" WHERE id = ${id}::uuid FOR UPDATE`;
  return rows[0]?.state;
}
