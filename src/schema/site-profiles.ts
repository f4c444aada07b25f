import { siteProfile, type GraphQLContext } from './context';

/** The profile ids a site-wide read covers: the one named, or every profile of the caller's site. */
export async function siteProfileIds(ctx: GraphQLContext, profile?: string | null): Promise<string[]> {
  if (profile != null) return [(await ctx.services.profiles.get(siteProfile(ctx, profile))).id];
  return (await ctx.services.profiles.list(ctx.auth.siteName)).map((p) => p.id);
}
