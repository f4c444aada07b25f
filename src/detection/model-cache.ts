import type { Detector } from '../detectors/detector.types';
import type { DetectorRegistry } from '../detectors/registry';
import type { SerializedDetector } from '../detectors/detector.types';
import { FeatureEncoder } from '../features';
import { parseFeatureSpec, type FeatureSpec } from '../features';
import { isDatabaseUnavailable } from '../db/availability';
import type { ModelRepository } from '../models/model.repository';
import { profileDetectors, profileKey, type Profile, type ProfileRef, type ProfileService } from '../profiles/profile.service';
import type { TrainingMetrics } from '../training/trainer';

/** How long a stale runtime serves while the database is down before the next reload attempt. */
const STALE_RETRY_MS = 1_000;

export interface LoadedModel {
  id: string;
  detector: string;
  version: number;
  threshold: number;
  median: number;
  instance: Detector;
  explains: boolean;
}

/** Models trained together share a feature spec: each group is encoded once per batch. */
export interface EncoderGroup {
  spec: FeatureSpec;
  encoder: FeatureEncoder;
  models: LoadedModel[];
}

export interface ProfileRuntime {
  ref: ProfileRef;
  profile: Profile;
  groups: EncoderGroup[];
  modelCount: number;
}

/**
 * Active models, deserialised once and kept in memory: the detection path never
 * reads a model from the database. Invalidated when models or profiles change.
 */
export class ModelCache {
  private readonly cache = new Map<string, Promise<ProfileRuntime>>();
  /** Each profile's last loaded runtime: scoring goes on with it while the database cannot be read. */
  private readonly lastGood = new Map<string, ProfileRuntime>();

  constructor(
    private readonly profiles: ProfileService,
    private readonly models: ModelRepository,
    private readonly registry: DetectorRegistry,
  ) {}

  get(ref: ProfileRef): Promise<ProfileRuntime> {
    const key = profileKey(ref);
    let entry = this.cache.get(key);
    if (!entry) {
      const loading = this.load(ref).then(
        (runtime) => {
          this.lastGood.set(key, runtime);
          return runtime;
        },
        (err: unknown) => {
          const stale = this.lastGood.get(key);
          if (!isDatabaseUnavailable(err)) this.lastGood.delete(key);
          else if (stale) {
            // Served for a moment, then the database is asked again (a reload was due).
            setTimeout(() => this.cache.get(key) === loading && this.cache.delete(key), STALE_RETRY_MS).unref();
            return stale;
          }
          throw err;
        },
      );
      entry = loading;
      this.cache.set(key, entry);
      // A failed load (missing profile, database down) must not be cached.
      entry.catch(() => this.cache.delete(key));
    }
    return entry;
  }

  invalidate(ref?: ProfileRef): void {
    if (ref === undefined) this.cache.clear();
    else this.cache.delete(profileKey(ref));
  }

  private async load(ref: ProfileRef): Promise<ProfileRuntime> {
    const profile = await this.profiles.get(ref);
    const enabled = new Set(profileDetectors(profile).map((d) => d.name));
    const rows = (await this.models.active(profile.id)).filter((m) => enabled.has(m.detector));
    const groups = new Map<string, EncoderGroup>();
    for (const row of rows) {
      const key = JSON.stringify(row.featureSpec);
      let group = groups.get(key);
      if (!group) {
        const spec = parseFeatureSpec(row.featureSpec);
        group = { spec, encoder: new FeatureEncoder(spec), models: [] };
        groups.set(key, group);
      }
      const metrics = row.metrics as unknown as TrainingMetrics;
      group.models.push({
        id: row.id,
        detector: row.detector,
        version: row.version,
        threshold: row.threshold,
        median: metrics.scoreQuantiles?.q50 ?? 0,
        instance: this.registry.load(row.state as unknown as SerializedDetector),
        explains: this.registry.get(row.detector).describe().capabilities.explains,
      });
    }
    return { ref, profile, groups: [...groups.values()], modelCount: rows.length };
  }
}
