import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType('FeatureExplanation', { description: 'One feature that pushed the score, with the record value and what training data looked like.' })
export class FeatureExplanationType {
  @Field({ description: 'Raw field, e.g. "destination port" or an attribute column.' })
  feature!: string;

  @Field()
  value!: string;

  @Field()
  typical!: string;

  @Field(() => Float, { description: 'Relative weight among the listed features (0..1).' })
  weight!: number;

  @Field({ description: 'A sentence a person understands.' })
  message!: string;
}
