import type { Model } from '@prisma/client';
import type { ModelCache } from '../detection/model-cache';
import type { EventBus } from '../events/pubsub';
import type { ProfileRef } from '../profiles/profile.service';

/**
 * Every activation (a finished job, a roll back or forward) is announced the
 * same way: this process's cache drops the profile at once, MODELS_CHANGED
 * tells the other instances to do the same, MODEL_ACTIVATED tells clients.
 */
export function announceActivation(events: EventBus, cache: ModelCache, ref: ProfileRef, models: readonly Model[]): void {
  cache.invalidate(ref);
  events.publish('MODELS_CHANGED', { site: ref.site, profile: ref.name });
  for (const m of models) {
    events.publish('MODEL_ACTIVATED', {
      site: ref.site,
      profile: ref.name,
      modelId: m.id,
      detector: m.detector,
      version: m.version,
      trainingJobId: m.trainingJobId,
    });
  }
}
