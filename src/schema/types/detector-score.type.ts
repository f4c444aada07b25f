import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('DetectorScore', { description: "One detector's verdict on one record." })
export class DetectorScoreType {
  @Field()
  name!: string;

  @Field(() => Float, { description: 'Raw detector score; higher = more anomalous.' })
  score!: number;

  @Field(() => Float, { description: '0..1 with 0.5 at the threshold, comparable across detectors.' })
  normalizedScore!: number;

  @Field(() => Float, { description: 'Calibrated from training scores at the profile contamination.' })
  threshold!: number;

  @Field()
  isAnomaly!: boolean;

  @Field(() => ID)
  modelId!: string;

  @Field(() => Int)
  modelVersion!: number;
}
