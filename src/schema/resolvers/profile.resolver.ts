import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { siteProfile, type GraphQLContext } from '../context';
import { ProfileInput } from '../inputs/profile.input';
import { toProfileType } from '../mappers';
import { ProfileType } from '../types/profile.type';

@Resolver()
export class ProfileResolver {
  @Authorized('read')
  @Query(() => [ProfileType], { description: "The caller's site's profiles." })
  async profiles(@Ctx() { services, auth }: GraphQLContext): Promise<ProfileType[]> {
    return (await services.profiles.list(auth.siteName)).map((p) => toProfileType(p, auth.siteName));
  }

  @Authorized('read')
  @Query(() => ProfileType, { nullable: true })
  async profile(@Arg('name') name: string, @Ctx() ctx: GraphQLContext): Promise<ProfileType | null> {
    const p = await ctx.services.profiles.find(siteProfile(ctx, name));
    return p ? toProfileType(p, ctx.auth.siteName) : null;
  }

  @Authorized('write')
  @Mutation(() => ProfileType, { description: 'Creates or updates a profile; detectors and params are validated.' })
  async upsertProfile(@Arg('input', () => ProfileInput) input: ProfileInput, @Ctx() ctx: GraphQLContext): Promise<ProfileType> {
    const { services, auth } = ctx;
    const p = await services.profiles.upsert(auth.siteName, input);
    announceProfileChange(ctx, p.name);
    return toProfileType(p, auth.siteName);
  }

  @Authorized('admin')
  @Mutation(() => Boolean, { description: 'Deletes a profile with its models, anomalies and stored traffic.' })
  async deleteProfile(@Arg('name') name: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    await ctx.services.profiles.delete(siteProfile(ctx, name));
    announceProfileChange(ctx, name);
    return true;
  }
}

/** This process drops the cached models now; other instances (and retraining schedules) hear MODELS_CHANGED. */
function announceProfileChange(ctx: GraphQLContext, name: string): void {
  ctx.services.cache.invalidate(siteProfile(ctx, name));
  ctx.services.events.publish('MODELS_CHANGED', { site: ctx.auth.siteName, profile: name });
}
