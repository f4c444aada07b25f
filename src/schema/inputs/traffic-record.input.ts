import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, InputType, Int } from 'type-graphql';
import { ProtocolScalar } from '../scalars/protocol.scalar';

@InputType({ description: 'One observation. Every field is optional; a profile uses what its kind needs.' })
export class TrafficRecordInput {
  @Field({ nullable: true, description: 'When it was seen; defaults to now.' })
  timestamp?: Date;

  @Field({ nullable: true })
  srcIp?: string;

  @Field({ nullable: true })
  destIp?: string;

  @Field(() => Int, { nullable: true })
  srcPort?: number;

  @Field(() => Int, { nullable: true })
  destPort?: number;

  @Field(() => ProtocolScalar, { nullable: true })
  protocol?: string | number;

  @Field(() => Float, { nullable: true, description: 'Bytes.' })
  packetSize?: number;

  @Field(() => Float, { nullable: true, description: 'Seconds (flows).' })
  duration?: number;

  @Field(() => Float, { nullable: true })
  bytesOut?: number;

  @Field(() => Float, { nullable: true })
  bytesIn?: number;

  @Field(() => Float, { nullable: true })
  packetsOut?: number;

  @Field(() => Float, { nullable: true })
  packetsIn?: number;

  @Field({ nullable: true, description: 'Zeek conn_state, e.g. SF, S0, REJ.' })
  connState?: string;

  @Field({ nullable: true })
  service?: string;

  @Field({ nullable: true })
  srcMac?: string;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Named numeric or string columns (tabular data).' })
  attributes?: Record<string, unknown>;
}
