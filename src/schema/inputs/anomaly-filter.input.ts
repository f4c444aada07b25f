import { Field, Float, InputType } from 'type-graphql';

@InputType()
export class AnomalyFilter {
  @Field({ nullable: true })
  profile?: string;

  @Field({ nullable: true })
  since?: Date;

  @Field({ nullable: true })
  until?: Date;

  @Field(() => Float, { nullable: true })
  minScore?: number;

  @Field({ nullable: true })
  srcIp?: string;

  @Field({ nullable: true })
  destIp?: string;
}
