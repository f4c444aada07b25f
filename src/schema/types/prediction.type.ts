import { Field, Float, ID, ObjectType } from 'type-graphql';
import { DetectorScoreType } from './detector-score.type';

@ObjectType('Prediction', { description: 'The verdict on one submitted record, in input order.' })
export class PredictionType {
  @Field(() => Float, { description: '0..1; at or above 0.5 exactly when a detector crossed its threshold.' })
  score!: number;

  @Field()
  isAnomaly!: boolean;

  @Field(() => [DetectorScoreType])
  detectors!: DetectorScoreType[];

  @Field({ description: 'Active model versions used, e.g. "isolation-forest@3+knn-distance@2".' })
  modelVersion!: string;

  @Field(() => ID, { nullable: true, description: 'Id of the stored anomaly, when the record was one.' })
  anomalyId?: string;
}
