import type { DetectorPlugin } from './detector.types';
import { empiricalTails } from './empirical-tails';
import { createEnsemble } from './ensemble';
import { halfSpaceTrees } from './half-space-trees';
import { hbos } from './hbos';
import { isolationForest } from './isolation-forest';
import { knnDistance } from './knn-distance';
import { DetectorRegistry } from './registry';

/** The detectors an ensemble can combine. */
const singleDetectors: readonly DetectorPlugin[] = [isolationForest, knnDistance, hbos, halfSpaceTrees, empiricalTails];

/** The one list a new detector is added to; the conformance suite tests every entry. */
export const builtinDetectors: readonly DetectorPlugin[] = [...singleDetectors, createEnsemble(singleDetectors)];

export function createDefaultRegistry(): DetectorRegistry {
  const registry = new DetectorRegistry();
  builtinDetectors.forEach((plugin) => registry.register(plugin));
  return registry;
}
