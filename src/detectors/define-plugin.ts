import type { z } from 'zod';
import type { Detector, DetectorCapabilities, DetectorDescription, DetectorPlugin } from './detector.types';
import { describeParams, parseParams } from './params';
import { checkEnvelope, parseStored } from './state';

export interface PluginDefinition<P, S> {
  name: string;
  summary: string;
  stateVersion: number;
  capabilities: DetectorCapabilities;
  /** Every field has a default; `.describe()` texts become the param descriptions. */
  paramsSchema: z.ZodType<P>;
  stateSchema: z.ZodType<S>;
  create(params: P): Detector;
  /** Gets a state of the right shape; throws INVALID_MODEL_STATE when its parts disagree. */
  restore(params: P, state: S): Detector;
}

/**
 * Builds the plugin object around a detector so that every detector validates
 * params and saved state the same way and raises the same coded errors.
 */
export function definePlugin<P, S>(def: PluginDefinition<P, S>): DetectorPlugin<P> {
  const description: DetectorDescription = {
    name: def.name,
    summary: def.summary,
    stateVersion: def.stateVersion,
    params: describeParams(def.paramsSchema),
    capabilities: def.capabilities,
  };
  return {
    paramsSchema: def.paramsSchema,
    // A copy, so a caller that edits its description cannot change the registry's.
    describe: () => structuredClone(description),
    create: (params) => def.create(parseParams(def.name, def.paramsSchema, params)),
    load: (serialized) => {
      const envelope = checkEnvelope(serialized, def.name, def.stateVersion);
      return def.restore(
        parseStored(def.name, def.paramsSchema, envelope.params, 'params'),
        parseStored(def.name, def.stateSchema, envelope.state, 'state'),
      );
    },
  };
}
