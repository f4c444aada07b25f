import { randomInt } from 'node:crypto';
import type { Profile } from '@prisma/client';
import type { Json } from '../detectors/detector.types';
import type { DetectorRegistry } from '../detectors/registry';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { profileDetectors } from '../profiles/profile.service';
import type { RecordKind } from '../records/traffic-record';
import type { DetectorConfig } from '../training/trainer';

/** Where a job reads its training records. */
export type TrainingSource =
  | { type: 'traffic'; since?: string; until?: string; limit?: number }
  /** The project's seeded home-network sample: how `default` answers on a fresh install. */
  | { type: 'sample'; seed: number; count: number };

/**
 * Everything a job was asked to do, fully resolved when it is submitted (the
 * profile's detectors, params with defaults, contamination, seed), so a retry
 * or a re-run trains exactly the same thing even if the profile changed since.
 * JSON-safe: it is stored in TrainingJob.request and crosses Redis.
 */
export interface TrainingRequest {
  kind: RecordKind;
  detectors: DetectorConfig[];
  contamination: number;
  alertsPerDay?: number;
  seed: number;
  source: TrainingSource;
}

/** What a caller (GraphQL, CLI, scheduler) may ask for; every field is optional. */
export interface TrainingInput {
  detectors?: DetectorConfig[];
  contamination?: number;
  alertsPerDay?: number;
  /** Per-detector param overrides, keyed by detector name. */
  params?: Record<string, Record<string, unknown>>;
  seed?: number;
  since?: Date;
  until?: Date;
  limit?: number;
}

const MAX_SEED = 2 ** 31;

export function resolveTrainingRequest(
  profile: Profile,
  input: TrainingInput,
  registry: DetectorRegistry,
  source?: TrainingSource,
): TrainingRequest {
  const detectors = resolveDetectors(input.detectors ?? profileDetectors(profile), input.params ?? {}, registry);
  if (input.contamination !== undefined && input.alertsPerDay !== undefined) {
    throw badInput('alertsPerDay', 'cannot be combined with contamination: give one or the other');
  }
  // An explicit contamination or budget in the request replaces the profile's pair as a whole.
  const explicit = input.contamination !== undefined || input.alertsPerDay !== undefined;
  const contamination = input.contamination ?? profile.contamination;
  const alertsPerDay = explicit ? input.alertsPerDay : (profile.alertsPerDay ?? undefined);
  if (!(contamination > 0 && contamination <= 0.5)) throw badInput('contamination', 'must be in (0, 0.5]');
  if (alertsPerDay !== undefined && !(alertsPerDay > 0 && Number.isFinite(alertsPerDay))) {
    throw badInput('alertsPerDay', 'must be a positive number');
  }
  const seed = input.seed ?? randomInt(MAX_SEED);
  if (!Number.isInteger(seed) || seed < 0 || seed >= MAX_SEED) throw badInput('seed', `must be an integer in [0, ${MAX_SEED})`);
  return {
    kind: profile.kind.toLowerCase() as RecordKind,
    detectors,
    contamination,
    ...(alertsPerDay !== undefined ? { alertsPerDay } : {}),
    seed,
    source: source ?? trafficSource(input),
  };
}

function resolveDetectors(
  detectors: readonly DetectorConfig[],
  overrides: Record<string, Record<string, unknown>>,
  registry: DetectorRegistry,
): DetectorConfig[] {
  if (detectors.length === 0) throw badInput('detectors', 'name at least one detector');
  const names = new Set(detectors.map((d) => d.name));
  if (names.size !== detectors.length) throw badInput('detectors', 'a detector is listed twice');
  for (const name of Object.keys(overrides)) {
    if (!names.has(name)) throw badInput('params', `overrides params of ${name}, which this training does not fit`);
  }
  return detectors.map((d) => ({
    name: d.name,
    params: registry.validateParams(d.name, { ...(d.params ?? {}), ...(overrides[d.name] ?? {}) }) as Record<string, Json>,
  }));
}

function trafficSource(input: TrainingInput): TrainingSource {
  const { since, until, limit } = input;
  if (since && until && since > until) throw badInput('until', 'must not be before since');
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw badInput('limit', 'must be a positive integer');
  return {
    type: 'traffic',
    ...(since ? { since: since.toISOString() } : {}),
    ...(until ? { until: until.toISOString() } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
}

function badInput(field: string, message: string): AppError {
  return new AppError(ErrorCode.BAD_USER_INPUT, `${field} ${message}`, { field });
}
