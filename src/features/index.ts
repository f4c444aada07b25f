export {
  ADDRESS_EXTERNAL,
  ADDRESS_INTERNAL,
  ADDRESS_INVALID,
  ADDRESS_IPV6,
  ADDRESS_MULTICAST,
  classifyAddress,
} from './address.features';
export { DEFAULT_EXCLUDED_ATTRIBUTES, FeatureSpecBuilder, fitFeatureSpec, type FeatureSpecOptions } from './feature-spec.builder';
export * from './feature-spec';
export { FeatureEncoder } from './feature.encoder';
export { explain, type FeatureExplanation } from './feature.explainer';
export { featureLayout, type FeatureLayout } from './feature.layout';
export { shouldLogScale } from './numeric.scaler';
export { portClass } from './port.features';
