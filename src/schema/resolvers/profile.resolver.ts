import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { ProfileInput } from '../inputs/profile.input';
import { toProfileType } from '../mappers';
import { ProfileType } from '../types/profile.type';

@Resolver()
export class ProfileResolver {
  @Query(() => [ProfileType])
  async profiles(@Ctx() { services }: GraphQLContext): Promise<ProfileType[]> {
    return (await services.profiles.list()).map((p) => toProfileType(p));
  }

  @Query(() => ProfileType, { nullable: true })
  async profile(@Arg('name') name: string, @Ctx() { services }: GraphQLContext): Promise<ProfileType | null> {
    const p = await services.profiles.find(name);
    return p ? toProfileType(p) : null;
  }

  @Mutation(() => ProfileType, { description: 'Creates or updates a profile; detectors and params are validated.' })
  async upsertProfile(@Arg('input', () => ProfileInput) input: ProfileInput, @Ctx() { services }: GraphQLContext): Promise<ProfileType> {
    const p = await services.profiles.upsert(input);
    services.cache.invalidate(p.name);
    services.events.publish('MODELS_CHANGED', { profile: p.name });
    return toProfileType(p);
  }

  @Mutation(() => Boolean, { description: 'Deletes a profile with its models, anomalies and stored traffic.' })
  async deleteProfile(@Arg('name') name: string, @Ctx() { services }: GraphQLContext): Promise<boolean> {
    await services.profiles.delete(name);
    services.cache.invalidate(name);
    services.events.publish('MODELS_CHANGED', { profile: name });
    return true;
  }
}
