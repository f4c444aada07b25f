import type { Services } from '../app/services';
import { isAppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { DEFAULT_PROFILE, DEFAULT_PROFILE_REF } from '../profiles/profile.service';

export const DEFAULT_SAMPLE_SIZE = 20_000;
export const DEFAULT_SEED = 42;

/**
 * A fresh install answers meaningfully at once: when `default` has no model yet,
 * a training job fits it on the project's own seeded home-network sample. With
 * `wait` (this process runs workers) start-up waits for it; otherwise whichever
 * worker takes the job trains it.
 */
export async function ensureDefaultModel(services: Services, wait: boolean): Promise<boolean> {
  const profile = await services.profiles.ensureDefaults();
  if ((await services.models.active(profile.id)).length > 0) return false;
  const [pending] = await services.training.jobs.unfinished(profile.id);
  let jobId = pending?.id;
  if (!jobId) {
    try {
      const source = { type: 'sample', seed: DEFAULT_SEED, count: DEFAULT_SAMPLE_SIZE } as const;
      jobId = (await services.training.submit(DEFAULT_PROFILE_REF, { seed: DEFAULT_SEED }, source)).id;
    } catch (err) {
      // Detection of other profiles must not depend on Redis being up at start-up.
      if (!isAppError(err) || err.code !== ErrorCode.QUEUE_UNAVAILABLE) throw err;
      services.logger.error({ err }, 'could not queue the training of the default profile');
      return false;
    }
  }
  if (!wait) {
    services.logger.info({ jobId }, 'training of the default profile queued for a worker');
    return true;
  }
  const job = await services.training.waitFor(jobId);
  if (job.state === 'COMPLETED') services.logger.info({ profile: DEFAULT_PROFILE, jobId }, 'trained the default profile on the built-in sample');
  else services.logger.error({ jobId, state: job.state, error: job.error }, 'training of the default profile did not complete');
  return true;
}
