import type { ErrorCode } from '../errors/error-codes';
import type { TrainedModel } from '../training/trainer';
import type { TrainingRequest } from './training-request';

/** What the fitting thread is started with (structured-cloned into it). */
export interface FitInput {
  profileId: string;
  databaseUrl: string;
  request: TrainingRequest;
}

/** Messages from the fitting thread to the process that runs the job. */
export type FitMessage =
  | { type: 'progress'; fraction: number; message: string }
  | { type: 'done'; models: TrainedModel[] }
  | { type: 'error'; error: { message: string; stack?: string; code?: ErrorCode; details?: Record<string, unknown> } };
