import { useEffect, useRef, useState } from 'react';
import { request, subscribe } from '../api/graphql';
import { TRAIN_MODEL, TRAINING_PROGRESS } from '../api/operations';
import type { Capabilities, TrainingJob } from '../api/types';

const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

interface Props {
  profile: string;
  capabilities: Capabilities;
  onFinished(): void;
}

/** Starts a training job and follows it live until it finishes. */
export function TrainButton({ profile, capabilities, onFinished }: Props) {
  const [job, setJob] = useState<TrainingJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const stop = useRef<() => void>(undefined);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => {
    setJob(null);
    setError(null);
    return () => stop.current?.();
  }, [profile]);

  async function train() {
    setError(null);
    try {
      const { trainModel } = await request<{ trainModel: TrainingJob }>(TRAIN_MODEL, { profile });
      setJob(trainModel);
      stop.current?.();
      stop.current = subscribe<{ trainingProgress: TrainingJob }>(TRAINING_PROGRESS, { jobId: trainModel.id }, {
        next: ({ trainingProgress: j }) => {
          setJob(j);
          if (FINISHED.has(j.state)) {
            stop.current?.();
            finished.current();
          }
        },
        error: (err) => setError(err.message),
      });
    } catch (err) {
      setError((err as Error).message);
    }
  }

  const running = job !== null && !FINISHED.has(job.state);
  const available = capabilities.trainModel && capabilities.trainingProgress;
  const percent = Math.round((job?.progress ?? 0) * 100);
  return (
    <div className="train">
      <button
        type="button"
        className="primary"
        onClick={train}
        disabled={!available || running}
        title={available ? undefined : 'This server has no training jobs'}
        data-testid="train"
      >
        {running ? 'Training…' : 'Train now'}
      </button>
      {job && (
        <div className={`job ${job.state.toLowerCase()}`} data-testid="training-job" data-state={job.state}>
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <span style={{ width: `${percent}%` }} />
          </div>
          <span className="muted">
            {job.state === 'FAILED' ? (job.error ?? 'failed') : `${job.state.toLowerCase()} ${percent}%${job.message ? ` · ${job.message}` : ''}`}
          </span>
        </div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
