import type { Model, Prisma, PrismaClient } from '@prisma/client';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { TrainedModel } from '../training/trainer';

export type { Model };

/** Versioned models; exactly one active per profile and detector (enforced by a partial unique index). */
export class ModelRepository {
  constructor(private readonly prisma: PrismaClient) {}

  listByProfile(profileId: string): Promise<Model[]> {
    return this.prisma.model.findMany({
      where: { profileId },
      orderBy: [{ detector: 'asc' }, { version: 'desc' }],
    });
  }

  active(profileId: string): Promise<Model[]> {
    return this.prisma.model.findMany({ where: { profileId, active: true }, orderBy: { detector: 'asc' } });
  }

  async byId(id: string): Promise<Model> {
    const model = await this.prisma.model.findUnique({ where: { id } }).catch(() => null);
    if (!model) throw new AppError(ErrorCode.MODEL_NOT_FOUND, `No model with id ${id}`, { id });
    return model;
  }

  /**
   * Stores new versions and activates them in one transaction, so a failure
   * anywhere leaves the previously active models in place. Pass `tx` to make it
   * part of a caller's transaction (one connection: the embedded database
   * serialises transactions, so a second one opened inside would wait forever).
   */
  saveAndActivate(profileId: string, trained: readonly TrainedModel[], trainingJobId?: string, tx?: Prisma.TransactionClient): Promise<Model[]> {
    const save = async (client: Prisma.TransactionClient) => {
      const created: Model[] = [];
      for (const t of trained) {
        const last = await client.model.findFirst({
          where: { profileId, detector: t.detector },
          orderBy: { version: 'desc' },
          select: { version: true },
        });
        await client.model.updateMany({ where: { profileId, detector: t.detector, active: true }, data: { active: false } });
        created.push(
          await client.model.create({
            data: {
              profileId,
              detector: t.detector,
              version: (last?.version ?? 0) + 1,
              params: t.params as Prisma.InputJsonValue,
              state: t.state as unknown as Prisma.InputJsonValue,
              threshold: t.threshold,
              featureSpec: t.featureSpec as unknown as Prisma.InputJsonValue,
              metrics: t.metrics as Prisma.InputJsonValue,
              active: true,
              trainingJobId,
            },
          }),
        );
      }
      return created;
    };
    return tx ? save(tx) : this.prisma.$transaction(save);
  }

  /** Roll back or forward: the given version becomes the active one for its detector. */
  async activate(id: string): Promise<Model> {
    const model = await this.byId(id);
    return this.prisma.$transaction(async (tx) => {
      await tx.model.updateMany({
        where: { profileId: model.profileId, detector: model.detector, active: true },
        data: { active: false },
      });
      return tx.model.update({ where: { id }, data: { active: true } });
    });
  }
}
