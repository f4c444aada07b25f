import type { DetectorPlugin } from './detector.types';
import { isolationForest } from './isolation-forest';
import { knnDistance } from './knn-distance';
import { DetectorRegistry } from './registry';

/** The one list a new detector is added to; the conformance suite tests every entry. */
export const builtinDetectors: readonly DetectorPlugin[] = [isolationForest, knnDistance];

export function createDefaultRegistry(): DetectorRegistry {
  const registry = new DetectorRegistry();
  builtinDetectors.forEach((plugin) => registry.register(plugin));
  return registry;
}
