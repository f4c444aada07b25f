import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import type { CaptureStatus } from '../../capture/capture.manager';

export enum CaptureStateEnum {
  RUNNING = 'RUNNING',
  STOPPED = 'STOPPED',
  FAILED = 'FAILED',
}
registerEnumType(CaptureStateEnum, { name: 'CaptureState', description: 'RUNNING until stopCapture (→ STOPPED) or until tcpdump dies (→ FAILED).' });

// Counters are SafeInt: a busy link passes GraphQL's 32-bit Int in about an hour.
@ObjectType('CaptureStatus', { description: "A live capture on one of the server's interfaces: its current counters, or its last ones once ended." })
export class CaptureStatusType {
  @Field()
  interface!: string;

  @Field()
  profile!: string;

  @Field(() => String, { nullable: true, description: 'The BPF filter, if any.' })
  bpf!: string | null;

  @Field(() => CaptureStateEnum)
  state!: CaptureStateEnum;

  @Field()
  startedAt!: Date;

  @Field(() => Date, { nullable: true })
  stoppedAt!: Date | null;

  @Field(() => GraphQLSafeInt, { description: 'Packets read from the interface.' })
  packets!: number;

  @Field(() => GraphQLSafeInt, { description: 'Flows reported so far (0 for a packet profile).' })
  flows!: number;

  @Field(() => GraphQLSafeInt, { description: 'Records scored: packets or flows, by the profile kind.' })
  records!: number;

  @Field(() => GraphQLSafeInt)
  anomalies!: number;

  @Field(() => GraphQLSafeInt, { description: 'Packets the kernel dropped because the capture fell behind.' })
  drops!: number;

  @Field(() => GraphQLSafeInt, { description: 'Records lost because scoring them failed; the capture went on.' })
  unscored!: number;

  @Field(() => String, { nullable: true, description: 'Why the capture failed, or the last scoring error.' })
  error!: string | null;
}

export function toCaptureStatusType(s: CaptureStatus): CaptureStatusType {
  return { ...s, state: CaptureStateEnum[s.state] };
}
