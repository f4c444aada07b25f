import { addressColumnNames } from './address.features';
import { rarityColumnNames } from './categorical-rarity.features';
import { categoricalColumnNames } from './categorical.encoder';
import type { FeatureDef, FeatureSpec } from './feature-spec.types';
import { numericColumnNames } from './numeric.scaler';
import { portColumnNames } from './port.features';
import { serviceSideColumnNames } from './service-side.features';

export function columnNames(def: FeatureDef): string[] {
  switch (def.type) {
    case 'numeric':
      return numericColumnNames(def);
    case 'categorical':
      return def.encoding === 'rarity' ? rarityColumnNames(def) : categoricalColumnNames(def);
    case 'port':
      return portColumnNames(def);
    case 'address':
      return addressColumnNames(def);
    case 'serviceSide':
      return serviceSideColumnNames(def);
    case 'categoricalPair':
      return rarityColumnNames(def);
  }
}

/** Where each feature's columns start in an encoded row; the explainer uses it to group columns back to their field. */
export interface FeatureLayout {
  names: string[];
  /** offsets[i] .. offsets[i+1] are the columns of spec.features[i]. */
  offsets: number[];
}

export function featureLayout(spec: FeatureSpec): FeatureLayout {
  const names: string[] = [];
  const offsets = [0];
  for (const def of spec.features) {
    names.push(...columnNames(def));
    offsets.push(names.length);
  }
  return { names, offsets };
}
