import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Prediction } from '../../detection/prediction';
import { siteProfile, type GraphQLContext } from '../context';
import { TrafficRecordInput } from '../inputs/traffic-record.input';
import { FeatureExplanationType } from '../types/explanation.type';
import { PredictionType } from '../types/prediction.type';

@Resolver(() => PredictionType)
export class PredictResolver {
  @Authorized('write')
  @Mutation(() => [PredictionType], {
    description: 'Scores records with the profile\'s active models, in input order. Anomalies are stored and published.',
  })
  predict(
    @Arg('records', () => [TrafficRecordInput]) records: TrafficRecordInput[],
    @Arg('profile', () => String, { defaultValue: 'default' }) profile: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Prediction[]> {
    return ctx.services.detection.predict(siteProfile(ctx, profile), records);
  }

  @FieldResolver(() => [FeatureExplanationType], { description: 'The features that pushed the score most.' })
  explanation(@Root() prediction: Prediction): FeatureExplanationType[] {
    return prediction.explanation();
  }
}
