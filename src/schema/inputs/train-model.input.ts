import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, InputType, Int } from 'type-graphql';
import { DetectorConfigInput } from './profile.input';

@InputType('TrainingSourceInput', { description: "The profile's stored traffic, optionally a time window and a row limit." })
export class TrainingSourceInput {
  @Field(() => Date, { nullable: true })
  since?: Date;

  @Field(() => Date, { nullable: true })
  until?: Date;

  @Field(() => Int, { nullable: true })
  limit?: number;
}

@InputType('TrainModelInput')
export class TrainModelInput {
  @Field({ defaultValue: 'default' })
  profile!: string;

  @Field(() => [DetectorConfigInput], { nullable: true, description: "Default: the profile's enabled detectors." })
  detectors?: DetectorConfigInput[];

  @Field(() => TrainingSourceInput, { nullable: true })
  source?: TrainingSourceInput;

  @Field(() => Float, { nullable: true, description: "Expected anomaly fraction; default: the profile's." })
  contamination?: number;

  @Field(() => Float, { nullable: true, description: "Alert budget, turned into a threshold with the training data's time span." })
  alertsPerDay?: number;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Param overrides per detector: { "isolation-forest": { "nEstimators": 200 } }.' })
  params?: Record<string, Record<string, unknown>>;

  @Field(() => Int, { nullable: true, description: 'Same seed and data = same models. Default: random (stored with the job).' })
  seed?: number;
}
