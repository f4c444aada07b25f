import type { z } from 'zod';
import type { Matrix } from './matrix';

/** JSON-safe value: what serialize() must return so a model survives a database round trip. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface FitOptions {
  /** Every random choice a detector makes derives from this seed. */
  seed: number;
}

/** Declared, not discovered: callers branch on these flags. */
export interface DetectorCapabilities {
  /** Can update an existing model with new data (partialFit). */
  online: boolean;
  /** Returns per-feature contributions for a scored row. */
  explains: boolean;
}

export interface ParamDescription {
  name: string;
  type: 'int' | 'float' | 'boolean' | 'string';
  default: Json;
  description: string;
  min?: number;
  max?: number;
  /** The allowed values of a 'string' param that is an enumeration. */
  choices?: string[];
}

export interface DetectorDescription {
  name: string;
  summary: string;
  /** Bump when serialize() output changes shape; load() refuses newer versions. */
  stateVersion: number;
  params: ParamDescription[];
  capabilities: DetectorCapabilities;
}

export interface SerializedDetector {
  detector: string;
  stateVersion: number;
  params: Json;
  state: Json;
}

/**
 * A fitted or unfitted model. Scores follow one polarity for all detectors:
 * higher = more anomalous.
 */
export interface Detector {
  readonly name: string;
  fit(X: Matrix, options: FitOptions): void;
  /** One score per row; throws DETECTOR_NOT_FITTED / DIMENSION_MISMATCH. */
  score(X: Matrix): Float64Array;
  serialize(): SerializedDetector;
  /** Only when capabilities.online. */
  partialFit?(X: Matrix): void;
  /** Only when capabilities.explains: one contribution per feature, larger = pushed score up more. */
  explain?(row: Float64Array): Float64Array;
}

export interface DetectorPlugin<P = unknown> {
  describe(): DetectorDescription;
  /** Zod schema with defaults: parse({}) gives the default params. */
  readonly paramsSchema: z.ZodType<P>;
  /** Validates params (INVALID_DETECTOR_PARAMS) and returns an unfitted detector. */
  create(params?: unknown): Detector;
  /** Rebuilds a fitted detector; refuses a newer state version (UNSUPPORTED_STATE_VERSION). */
  load(serialized: SerializedDetector): Detector;
}
