import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('Model', { description: 'A trained, versioned model of one detector for one profile.' })
export class ModelType {
  @Field(() => ID)
  id!: string;

  @Field()
  profile!: string;

  @Field()
  detector!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => GraphQLJSONObject)
  params!: Record<string, unknown>;

  @Field(() => Float)
  threshold!: number;

  @Field(() => GraphQLJSONObject, { description: 'Rows, timings, score quantiles, ROC-AUC/AP when labelled.' })
  metrics!: Record<string, unknown>;

  @Field(() => [String], { description: 'Encoded feature columns the model was trained on.' })
  features!: string[];

  @Field()
  trainedAt!: Date;

  @Field()
  active!: boolean;
}
