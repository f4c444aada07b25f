import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Scope } from '../../auth/auth-context';
import type { GraphQLContext } from '../context';
import { ApiKeyType, ScopeEnum, SiteType, ViewerType, toApiKeyType, toViewerType } from '../types/site.type';

/** Sites and their API keys. Site admins manage their own site's keys; the root key manages every site. */
@Resolver()
export class SiteResolver {
  @Query(() => ViewerType, { description: 'The caller: its site and scopes (any valid key may ask).' })
  viewer(@Ctx() { auth }: GraphQLContext): ViewerType {
    return toViewerType(auth);
  }

  @Authorized('read')
  @Query(() => [SiteType], { description: "Every site for the root key; the caller's own site otherwise." })
  sites(@Ctx() { services, auth }: GraphQLContext): Promise<SiteType[]> {
    return services.auth.sites(auth);
  }

  @Mutation(() => SiteType, { description: 'Root key only. A new site starts with no profiles and no keys: create an ADMIN key for it next.' })
  createSite(@Arg('name') name: string, @Ctx() { services, auth }: GraphQLContext): Promise<SiteType> {
    return services.auth.createSite(auth, name);
  }

  @Authorized('admin')
  @Query(() => [ApiKeyType], { description: "The site's keys (the caller's site unless the root key names another), revoked ones included." })
  async apiKeys(@Ctx() { services, auth }: GraphQLContext, @Arg('site', () => String, { nullable: true }) site?: string | null): Promise<ApiKeyType[]> {
    return (await services.auth.listApiKeys(auth, site)).map((row) => toApiKeyType(row));
  }

  @Authorized('admin')
  @Mutation(() => ApiKeyType, { description: 'A new key for the site; the answer holds the key itself, shown this once.' })
  async createApiKey(
    @Arg('site') site: string,
    @Arg('scopes', () => [ScopeEnum]) scopes: ScopeEnum[],
    @Ctx() { services, auth }: GraphQLContext,
    @Arg('name', () => String, { nullable: true }) name?: string | null,
  ): Promise<ApiKeyType> {
    const { row, key } = await services.auth.createApiKey(auth, site, scopes as Scope[], name);
    return toApiKeyType(row, key);
  }

  @Authorized('admin')
  @Mutation(() => ApiKeyType, { description: 'The key stops working at once, on every server instance.' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() { services, auth }: GraphQLContext): Promise<ApiKeyType> {
    return toApiKeyType(await services.auth.revokeApiKey(auth, id));
  }
}
