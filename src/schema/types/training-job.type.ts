import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { TrainingJobView } from '../../jobs/training-job.repository';
import { PageInfo } from './anomaly.type';

export enum JobStateEnum {
  QUEUED = 'QUEUED',
  ACTIVE = 'ACTIVE',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(JobStateEnum, { name: 'JobState', description: 'QUEUED → ACTIVE → COMPLETED | FAILED | CANCELLED (a retried attempt goes back to QUEUED).' });

@ObjectType('TrainingJob', { description: 'One training run of a profile: its state, progress and, once completed, the models it activated.' })
export class TrainingJobType {
  @Field(() => ID)
  id!: string;

  @Field()
  profile!: string;

  @Field(() => JobStateEnum)
  state!: JobStateEnum;

  @Field(() => Float, { description: '0..1; 1 once COMPLETED.' })
  progress!: number;

  @Field(() => String, { nullable: true, description: 'What the job is doing or waiting for.' })
  message!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' })
  error!: string | null;

  @Field(() => Int, { description: 'Attempts started so far (retries and resumed stalled runs count).' })
  attempts!: number;

  /** Resolved into `models` by TrainingResolver. */
  modelIds!: string[];

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType('TrainingJobEdge')
export class TrainingJobEdge {
  @Field()
  cursor!: string;

  @Field(() => TrainingJobType)
  node!: TrainingJobType;
}

@ObjectType('TrainingJobConnection', { description: 'Newest first; pass pageInfo.endCursor as `after` for the next page.' })
export class TrainingJobConnection {
  @Field(() => [TrainingJobEdge])
  edges!: TrainingJobEdge[];

  @Field(() => [TrainingJobType])
  nodes!: TrainingJobType[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

export function toTrainingJobType(v: TrainingJobView): TrainingJobType {
  const date = (s: string | null) => (s === null ? null : new Date(s));
  return {
    id: v.id,
    profile: v.profile,
    state: JobStateEnum[v.state],
    progress: v.progress,
    message: v.message,
    error: v.error,
    attempts: v.attempts,
    modelIds: v.modelIds,
    createdAt: new Date(v.createdAt),
    startedAt: date(v.startedAt),
    finishedAt: date(v.finishedAt),
  };
}
