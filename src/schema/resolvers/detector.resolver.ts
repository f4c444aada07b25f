import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { DetectorType } from '../types/detector.type';

@Resolver()
export class DetectorResolver {
  @Authorized('read')
  @Query(() => [DetectorType], { description: 'Registered detector plugins with their parameters and defaults.' })
  detectors(@Ctx() { services }: GraphQLContext): DetectorType[] {
    return services.registry.list();
  }
}
