import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { encodeCursor } from '../../anomalies/anomaly.repository';
import { AppError } from '../../errors/app-error';
import { ErrorCode } from '../../errors/error-codes';
import type { GraphQLContext } from '../context';
import { AnomalyFilter } from '../inputs/anomaly-filter.input';
import { toAnomalyType } from '../mappers';
import { AnomalyConnection } from '../types/anomaly.type';

const MAX_PAGE = 500;

@Resolver()
export class AnomalyResolver {
  @Query(() => AnomalyConnection, { description: 'Stored anomalies, newest first.' })
  async anomalies(
    @Ctx() { services }: GraphQLContext,
    @Arg('filter', () => AnomalyFilter, { nullable: true }) filter?: AnomalyFilter,
    @Arg('first', () => Int, { defaultValue: 50 }) first = 50,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<AnomalyConnection> {
    if (first < 1 || first > MAX_PAGE) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `first must be between 1 and ${MAX_PAGE}`, { field: 'first' });
    }
    const profileId = filter?.profile ? (await services.profiles.get(filter.profile)).id : undefined;
    const { rows, hasNextPage } = await services.anomalies.list({ ...filter, profileId }, first, after ?? undefined);
    const edges = rows.map((row) => ({ cursor: encodeCursor(row), node: toAnomalyType(row) }));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: { hasNextPage, endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null },
    };
  }
}
