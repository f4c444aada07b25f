import type { Services } from '../app/services';
import { DEFAULT_PROFILE, profileDetectors } from '../profiles/profile.service';
import { generateHomeNetworkTraffic } from '../sample/home-network.generator';
import { train } from './trainer';

export const DEFAULT_SAMPLE_SIZE = 20_000;
export const DEFAULT_SEED = 42;

/**
 * A fresh install answers meaningfully at once: when `default` has no model yet,
 * train it on the project's own seeded home-network sample.
 */
export async function ensureDefaultModel(services: Services): Promise<boolean> {
  const profile = await services.profiles.ensureDefaults();
  if ((await services.models.active(profile.id)).length > 0) return false;
  const records = generateHomeNetworkTraffic({ seed: DEFAULT_SEED, count: DEFAULT_SAMPLE_SIZE, kind: 'packet' });
  const trained = await train(
    async function* () {
      yield records;
    },
    {
      kind: 'packet',
      detectors: profileDetectors(profile),
      contamination: profile.contamination,
      seed: DEFAULT_SEED,
      registry: services.registry,
    },
  );
  await services.models.saveAndActivate(profile.id, trained);
  services.cache.invalidate(DEFAULT_PROFILE);
  services.logger.info({ profile: DEFAULT_PROFILE, records: records.length }, 'trained the default profile on the built-in sample');
  return true;
}
