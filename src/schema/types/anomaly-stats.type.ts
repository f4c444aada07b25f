import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType('ScoreBucket', { description: 'One slice of the window.' })
export class ScoreBucketType {
  @Field()
  start!: Date;

  @Field(() => Int)
  count!: number;

  @Field(() => Float, { nullable: true, description: 'Null when the slice has no anomaly.' })
  maxScore!: number | null;

  @Field(() => Float, { nullable: true })
  meanScore!: number | null;
}

@ObjectType('HostCount', { description: 'A host (source or destination) and the anomalies it took part in.' })
export class HostCountType {
  @Field()
  host!: string;

  @Field(() => Int)
  anomalies!: number;

  @Field(() => Float)
  maxScore!: number;

  @Field()
  lastSeen!: Date;
}

@ObjectType('AnomalyStats', { description: 'Anomalies over a window: a score timeline and the noisiest hosts.' })
export class AnomalyStatsType {
  @Field()
  since!: Date;

  @Field()
  until!: Date;

  @Field(() => Float)
  bucketSeconds!: number;

  @Field(() => Int)
  total!: number;

  @Field(() => [ScoreBucketType], { description: 'Equal slices, oldest first.' })
  timeline!: ScoreBucketType[];

  @Field(() => [HostCountType], { description: 'Most anomalies first.' })
  topHosts!: HostCountType[];
}
