import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { siteProfile, type GraphQLContext } from '../context';
import { toModelType } from '../mappers';
import { ModelType } from '../types/model.type';

@Resolver()
export class ModelResolver {
  @Authorized('read')
  @Query(() => [ModelType], { description: 'Every version of every detector of the profile, newest first.' })
  async models(@Arg('profile', () => String, { defaultValue: 'default' }) profile: string, @Ctx() ctx: GraphQLContext): Promise<ModelType[]> {
    const p = await ctx.services.profiles.get(siteProfile(ctx, profile));
    return (await ctx.services.models.listByProfile(p.id)).map((m) => toModelType(m, p.name));
  }

  @Authorized('write')
  @Mutation(() => ModelType, { description: 'Makes this version the active one of its detector: roll back or forward in one step.' })
  async activateModel(@Arg('id', () => ID) id: string, @Ctx() { services, auth }: GraphQLContext): Promise<ModelType> {
    const { model, profile } = await services.training.activateModel(id, auth.siteName);
    return toModelType(model, profile);
  }
}
