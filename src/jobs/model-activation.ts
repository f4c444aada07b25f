import type { Model } from '@prisma/client';
import type { ModelCache } from '../detection/model-cache';
import type { EventBus } from '../events/pubsub';

/**
 * Every activation (a finished job, a roll back or forward) is announced the
 * same way: this process's cache drops the profile at once, MODELS_CHANGED
 * tells the other instances to do the same, MODEL_ACTIVATED tells clients.
 */
export function announceActivation(events: EventBus, cache: ModelCache, profile: string, models: readonly Model[]): void {
  cache.invalidate(profile);
  events.publish('MODELS_CHANGED', { profile });
  for (const m of models) {
    events.publish('MODEL_ACTIVATED', {
      profile,
      modelId: m.id,
      detector: m.detector,
      version: m.version,
      trainingJobId: m.trainingJobId,
    });
  }
}
