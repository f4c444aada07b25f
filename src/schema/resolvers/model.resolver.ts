import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { toModelType } from '../mappers';
import { ModelType } from '../types/model.type';

@Resolver()
export class ModelResolver {
  @Query(() => [ModelType], { description: 'Every version of every detector of the profile, newest first.' })
  async models(@Arg('profile', () => String, { defaultValue: 'default' }) profile: string, @Ctx() { services }: GraphQLContext): Promise<ModelType[]> {
    const p = await services.profiles.get(profile);
    return (await services.models.listByProfile(p.id)).map((m) => toModelType(m, p.name));
  }

  @Mutation(() => ModelType, { description: 'Makes this version the active one of its detector: roll back or forward in one step.' })
  async activateModel(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphQLContext): Promise<ModelType> {
    const { model, profile } = await services.training.activateModel(id);
    return toModelType(model, profile);
  }
}
