import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import { AnomalyStatsRepository } from '../../anomalies/anomaly-stats.repository';
import { AppError } from '../../errors/app-error';
import { ErrorCode } from '../../errors/error-codes';
import type { GraphQLContext } from '../context';
import { siteProfileIds } from '../site-profiles';
import { AnomalyStatsType } from '../types/anomaly-stats.type';

const MAX_BUCKETS = 1000;
const MAX_HOSTS = 100;
const MAX_WINDOW_MS = 366 * 24 * 3600 * 1000;

@Resolver()
export class AnomalyStatsResolver {
  @Authorized('read')
  @Query(() => AnomalyStatsType, { description: "Score timeline and top hosts over [since, until), for one profile or all the site's." })
  async anomalyStats(
    @Ctx() ctx: GraphQLContext,
    @Arg('since', () => Date) since: Date,
    @Arg('until', () => Date, { nullable: true, description: 'Defaults to now.' }) until?: Date,
    @Arg('profile', () => String, { nullable: true }) profile?: string,
    @Arg('buckets', () => Int, { defaultValue: 60 }) buckets = 60,
    @Arg('hosts', () => Int, { defaultValue: 10 }) hosts = 10,
  ): Promise<AnomalyStatsType> {
    const end = until ?? new Date();
    const span = end.getTime() - since.getTime();
    if (!(span > 0 && span <= MAX_WINDOW_MS)) throw badInput('since', 'must be before until, at most 366 days earlier');
    if (buckets < 1 || buckets > MAX_BUCKETS) throw badInput('buckets', `must be between 1 and ${MAX_BUCKETS}`);
    if (hosts < 1 || hosts > MAX_HOSTS) throw badInput('hosts', `must be between 1 and ${MAX_HOSTS}`);
    const profileIds = await siteProfileIds(ctx, profile);
    const stats = new AnomalyStatsRepository(ctx.services.db.pool);
    const window = { profileIds, since, until: end };
    const [timeline, topHosts] = await Promise.all([stats.timeline(window, buckets), stats.topHosts(window, hosts)]);
    return {
      since,
      until: end,
      bucketSeconds: span / buckets / 1000,
      total: timeline.reduce((n, b) => n + b.count, 0),
      timeline,
      topHosts,
    };
  }
}

function badInput(field: string, message: string): AppError {
  return new AppError(ErrorCode.BAD_USER_INPUT, `${field} ${message}`, { field });
}
