import type { Services } from '../app/services';
import type { AuthContext } from '../auth/auth-context';
import type { ProfileRef } from '../profiles/profile.service';

export interface GraphQLContext {
  services: Services;
  /** The caller: every operation is scoped to `auth.siteName`. */
  auth: AuthContext;
}

/** A profile name from the API always means the caller's site's profile of that name. */
export function siteProfile(ctx: GraphQLContext, name: string): ProfileRef {
  return { site: ctx.auth.siteName, name };
}
