import type { Services } from '../../app/services';
import type { TrainingJobView } from '../../jobs/training-job.repository';
import { dateOption, numberOption, parseCommandArgs, PROFILE_OPTIONS, profileRef } from './args';
import { withServices } from './cli-services';
import { progressBar } from './progress-bar';

export const TRAIN_USAGE = `Usage: netsentinel train --profile P [--site S] [options]

Queues a training job for the profile (with REDIS_URL a worker runs it; without,
this command runs it itself and waits).
  --detector NAME         fit this detector (repeatable; default: the profile's)
  --contamination X       expected anomaly fraction (default: the profile's)
  --alerts-per-day N      alert budget instead of contamination
  --since ISO --until ISO --limit N   which stored records to train on
  --seed N                same seed and data = same models
  --wait                  show progress until the job ends; exit 1 unless it COMPLETED`;

const OPTIONS = {
  ...PROFILE_OPTIONS,
  detector: { type: 'string', multiple: true },
  contamination: { type: 'string' },
  'alerts-per-day': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  seed: { type: 'string' },
  wait: { type: 'boolean' },
} as const;

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, OPTIONS, TRAIN_USAGE);
  const profile = profileRef(values, TRAIN_USAGE);
  const input = {
    detectors: values.detector?.map((name) => ({ name })),
    contamination: numberOption(values.contamination, '--contamination'),
    alertsPerDay: numberOption(values['alerts-per-day'], '--alerts-per-day'),
    since: dateOption(values.since, '--since'),
    until: dateOption(values.until, '--until'),
    limit: numberOption(values.limit, '--limit'),
    seed: numberOption(values.seed, '--seed'),
  };
  return withServices(async (services) => {
    const inProcess = services.training.backend.kind === 'in-process';
    // Without Redis no other process can see this job, so this one runs it.
    if (inProcess) await services.training.start({ workers: 1 });
    const job = await services.training.submit(profile, input);
    process.stdout.write(`training job ${job.id} queued for profile ${profile.name}\n`);
    if (!values.wait && !inProcess) return 0;
    if (!inProcess && (await services.training.backend.workerCount()) === 0) {
      process.stderr.write('no worker is connected to the queue yet: start one with `netsentinel worker` (or a server with WORKERS>0)\n');
    }
    const done = await follow(services, job.id);
    process.stdout.write(await describeOutcome(services, done));
    return done.state === 'COMPLETED' ? 0 : 1;
  });
}

async function follow(services: Services, jobId: string): Promise<TrainingJobView> {
  const bar = progressBar(process.stderr, 'train');
  try {
    return await services.training.waitFor(jobId, (j) => bar.update(j.progress, `${j.state.toLowerCase()}: ${j.message ?? ''}`));
  } finally {
    bar.done();
  }
}

async function describeOutcome(services: Services, job: TrainingJobView): Promise<string> {
  if (job.state !== 'COMPLETED') return `job ${job.id} ${job.state}${job.error ? `: ${job.error}` : ''}\n`;
  const lines = [`job ${job.id} COMPLETED`];
  for (const id of job.modelIds) {
    const m = await services.models.byId(id);
    const metrics = m.metrics as Record<string, unknown>;
    const auc = typeof metrics.rocAuc === 'number' ? `, ROC-AUC ${metrics.rocAuc.toFixed(3)}` : '';
    lines.push(`  ${m.detector} v${m.version} active (id ${m.id}): ${metrics.rows} rows, fit ${metrics.fitMs} ms${auc}`);
  }
  return `${lines.join('\n')}\n`;
}
