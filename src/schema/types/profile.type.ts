import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum RecordKindEnum {
  PACKET = 'PACKET',
  FLOW = 'FLOW',
  TABULAR = 'TABULAR',
}
registerEnumType(RecordKindEnum, { name: 'RecordKind', description: 'What one record of the profile describes.' });

@ObjectType('DetectorConfig')
export class DetectorConfigType {
  @Field()
  name!: string;

  @Field(() => GraphQLJSONObject)
  params!: Record<string, unknown>;
}

@ObjectType('Profile', { description: 'A network profile: which detectors watch which kind of records, and how strictly.' })
export class ProfileType {
  @Field()
  name!: string;

  @Field()
  site!: string;

  @Field(() => RecordKindEnum)
  kind!: RecordKindEnum;

  @Field(() => [DetectorConfigType])
  detectors!: DetectorConfigType[];

  @Field(() => Float, { description: 'Expected fraction of anomalies; sets each threshold at training time.' })
  contamination!: number;

  @Field(() => Float, { nullable: true, description: 'Alert budget; overrides contamination when set.' })
  alertsPerDay?: number | null;

  @Field({ description: 'Keep scored records for training.' })
  storeTraffic!: boolean;

  @Field(() => Int, { nullable: true, description: 'Seconds between automatic retrains.' })
  retrainEvery?: number | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}
