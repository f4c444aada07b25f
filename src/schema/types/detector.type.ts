import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType('DetectorParam')
export class DetectorParamType {
  @Field()
  name!: string;

  @Field({ description: 'int, float, boolean or string.' })
  type!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  default!: unknown;

  @Field()
  description!: string;

  @Field(() => Float, { nullable: true })
  min?: number;

  @Field(() => Float, { nullable: true })
  max?: number;
}

@ObjectType('DetectorCapabilities')
export class DetectorCapabilitiesType {
  @Field({ description: 'Can update a model with new data without retraining.' })
  online!: boolean;

  @Field({ description: 'Attributes its score to features.' })
  explains!: boolean;
}

@ObjectType('Detector', { description: 'A registered detector plugin.' })
export class DetectorType {
  @Field()
  name!: string;

  @Field()
  summary!: string;

  @Field(() => Int)
  stateVersion!: number;

  @Field(() => [DetectorParamType])
  params!: DetectorParamType[];

  @Field(() => DetectorCapabilitiesType)
  capabilities!: DetectorCapabilitiesType;
}
