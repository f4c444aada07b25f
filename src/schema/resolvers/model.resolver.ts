import { Arg, Ctx, Query, Resolver } from 'type-graphql';
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
}
