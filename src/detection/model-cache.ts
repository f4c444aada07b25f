import type { Detector } from '../detectors/detector.types';
import type { DetectorRegistry } from '../detectors/registry';
import type { SerializedDetector } from '../detectors/detector.types';
import { FeatureEncoder } from '../features';
import { parseFeatureSpec, type FeatureSpec } from '../features';
import type { ModelRepository } from '../models/model.repository';
import { profileDetectors, type Profile, type ProfileService } from '../profiles/profile.service';
import type { TrainingMetrics } from '../training/trainer';

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

  constructor(
    private readonly profiles: ProfileService,
    private readonly models: ModelRepository,
    private readonly registry: DetectorRegistry,
  ) {}

  get(profileName: string): Promise<ProfileRuntime> {
    let entry = this.cache.get(profileName);
    if (!entry) {
      entry = this.load(profileName);
      this.cache.set(profileName, entry);
      // A failed load (missing profile, database down) must not be cached.
      entry.catch(() => this.cache.delete(profileName));
    }
    return entry;
  }

  invalidate(profileName?: string): void {
    if (profileName === undefined) this.cache.clear();
    else this.cache.delete(profileName);
  }

  private async load(profileName: string): Promise<ProfileRuntime> {
    const profile = await this.profiles.get(profileName);
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
    return { profile, groups: [...groups.values()], modelCount: rows.length };
  }
}
