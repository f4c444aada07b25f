import type { AuthCheckerFn } from 'type-graphql';
import { requireScope } from '../auth/auth.service';
import type { Scope } from '../auth/auth-context';
import type { GraphQLContext } from './context';

/** `@Authorized('write')`: the caller's key must carry every scope named (FORBIDDEN otherwise, with the scope). */
export const scopeChecker: AuthCheckerFn<GraphQLContext, Scope> = ({ context }, scopes) => {
  for (const scope of scopes) requireScope(context.auth, scope);
  return true;
};
