import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DetectorScoreType } from './detector-score.type';
import { FeatureExplanationType } from './explanation.type';

@ObjectType('Anomaly', { description: 'A stored anomalous record.' })
export class AnomalyType {
  @Field(() => ID)
  id!: string;

  @Field()
  profile!: string;

  @Field()
  time!: Date;

  @Field(() => Float)
  score!: number;

  @Field({ nullable: true })
  srcIp?: string;

  @Field({ nullable: true })
  destIp?: string;

  @Field(() => Int, { nullable: true })
  srcPort?: number;

  @Field(() => Int, { nullable: true })
  destPort?: number;

  @Field({ nullable: true })
  protocol?: string;

  @Field(() => GraphQLJSONObject, { description: 'The record as it was scored.' })
  record!: Record<string, unknown>;

  @Field(() => [DetectorScoreType])
  detectors!: DetectorScoreType[];

  @Field(() => [ID])
  modelIds!: string[];

  @Field(() => [FeatureExplanationType])
  explanation!: FeatureExplanationType[];
}

@ObjectType()
export class AnomalyEdge {
  @Field()
  cursor!: string;

  @Field(() => AnomalyType)
  node!: AnomalyType;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ description: 'Newest first; pass pageInfo.endCursor as `after` for the next page.' })
export class AnomalyConnection {
  @Field(() => [AnomalyEdge])
  edges!: AnomalyEdge[];

  @Field(() => [AnomalyType])
  nodes!: AnomalyType[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
