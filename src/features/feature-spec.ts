/** The spec's public face: its types and the loader for stored specs. */
export * from './feature-spec.types';
export { featureSpecToJson, parseFeatureSpec } from './feature-spec.schema';
