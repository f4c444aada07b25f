import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, InputType, Int } from 'type-graphql';
import { RecordKindEnum } from '../types/profile.type';

@InputType()
export class DetectorConfigInput {
  @Field({ description: 'A registered detector, see `detectors`.' })
  name!: string;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Omitted params take their defaults.' })
  params?: Record<string, unknown>;
}

@InputType({ description: 'Creates the profile or changes the given fields of an existing one.' })
export class ProfileInput {
  @Field()
  name!: string;

  @Field(() => RecordKindEnum, { nullable: true })
  kind?: RecordKindEnum;

  @Field(() => [DetectorConfigInput], { nullable: true })
  detectors?: DetectorConfigInput[];

  @Field(() => Float, { nullable: true })
  contamination?: number;

  @Field(() => Float, { nullable: true })
  alertsPerDay?: number;

  @Field({ nullable: true })
  storeTraffic?: boolean;

  @Field(() => Int, { nullable: true })
  retrainEvery?: number;
}
