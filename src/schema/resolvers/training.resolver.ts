import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { AppError } from '../../errors/app-error';
import { ErrorCode } from '../../errors/error-codes';
import { toJobView, type TrainingJobView } from '../../jobs/training-job.repository';
import { requireScope } from '../../auth/auth.service';
import { siteProfile, type GraphQLContext } from '../context';
import { TrainModelInput } from '../inputs/train-model.input';
import { toModelType } from '../mappers';
import { ModelType } from '../types/model.type';
import { TrainingJobConnection, TrainingJobType, toTrainingJobType } from '../types/training-job.type';

const MAX_PAGE = 100;

type Subscribe<A> = SubscribeResolverData<unknown, A, GraphQLContext>;

@Resolver(() => TrainingJobType)
export class TrainingResolver {
  @Authorized('write')
  @Mutation(() => TrainingJobType, { description: 'Queues a training job; follow it with trainingJob or trainingProgress.' })
  async trainModel(@Arg('input', () => TrainModelInput) input: TrainModelInput, @Ctx() ctx: GraphQLContext): Promise<TrainingJobType> {
    const { source, ...rest } = input;
    const row = await ctx.services.training.submit(siteProfile(ctx, input.profile), { ...rest, ...source });
    return toTrainingJobType(toJobView(row));
  }

  @Authorized('read')
  @Query(() => TrainingJobType)
  async trainingJob(@Arg('id', () => ID) id: string, @Ctx() { services, auth }: GraphQLContext): Promise<TrainingJobType> {
    return toTrainingJobType(toJobView(await services.training.get(id, auth.siteName)));
  }

  @Authorized('read')
  @Query(() => TrainingJobConnection, { description: 'Training jobs of a profile, newest first.' })
  async trainingJobs(
    @Ctx() ctx: GraphQLContext,
    @Arg('profile', () => String, { defaultValue: 'default' }) profile: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<TrainingJobConnection> {
    if (first < 1 || first > MAX_PAGE) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `first must be between 1 and ${MAX_PAGE}`, { field: 'first' });
    }
    const { rows, hasNextPage } = await ctx.services.training.list(siteProfile(ctx, profile), first, after ?? undefined);
    const edges = rows.map((row) => ({ cursor: row.id, node: toTrainingJobType(toJobView(row)) }));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: { hasNextPage, endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null },
    };
  }

  @Authorized('write')
  @Mutation(() => TrainingJobType, { description: 'A queued job never starts; a running one stops and the active models stay.' })
  async cancelTrainingJob(@Arg('id', () => ID) id: string, @Ctx() { services, auth }: GraphQLContext): Promise<TrainingJobType> {
    return toTrainingJobType(toJobView(await services.training.cancel(id, auth.siteName)));
  }

  @Subscription(() => TrainingJobType, {
    description: 'The job now, then every change of state or progress until it is finished.',
    subscribe: async ({ args, context }: Subscribe<{ jobId: string }>) => {
      requireScope(context.auth, 'read');
      await context.services.training.get(args.jobId, context.auth.siteName);
      return context.services.training.watch(args.jobId);
    },
  })
  trainingProgress(@Root() job: TrainingJobView, @Arg('jobId', () => ID) _jobId: string): TrainingJobType {
    return toTrainingJobType(job);
  }

  @FieldResolver(() => [ModelType], { description: 'The model versions this job activated (empty until COMPLETED).' })
  async models(@Root() job: TrainingJobType, @Ctx() { services }: GraphQLContext): Promise<ModelType[]> {
    return Promise.all(job.modelIds.map(async (id) => toModelType(await services.models.byId(id), job.profile)));
  }
}
