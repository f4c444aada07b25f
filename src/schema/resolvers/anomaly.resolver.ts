import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import { encodeCursor } from '../../anomalies/anomaly.repository';
import { AppError } from '../../errors/app-error';
import { ErrorCode } from '../../errors/error-codes';
import { siteProfileIds } from '../site-profiles';
import type { GraphQLContext } from '../context';
import { AnomalyFilter } from '../inputs/anomaly-filter.input';
import { toAnomalyType } from '../mappers';
import { AnomalyConnection } from '../types/anomaly.type';

const MAX_PAGE = 500;

@Resolver()
export class AnomalyResolver {
  @Authorized('read')
  @Query(() => AnomalyConnection, { description: "The site's stored anomalies, newest first." })
  async anomalies(
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => AnomalyFilter, { nullable: true }) filter?: AnomalyFilter,
    @Arg('first', () => Int, { defaultValue: 50 }) first = 50,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<AnomalyConnection> {
    if (first < 1 || first > MAX_PAGE) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `first must be between 1 and ${MAX_PAGE}`, { field: 'first' });
    }
    const profileIds = await siteProfileIds(ctx, filter?.profile);
    const { rows, hasNextPage } = await ctx.services.anomalies.list({ ...filter, profileIds }, first, after ?? undefined);
    const edges = rows.map((row) => ({ cursor: encodeCursor(row), node: toAnomalyType(row) }));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: { hasNextPage, endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null },
    };
  }
}
