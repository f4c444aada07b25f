import type { Json } from '../detectors/detector.types';

/**
 * Payloads of every published event. They are JSON-safe on purpose: with
 * REDIS_URL they cross Redis to other server instances.
 */
export interface AnomalyEvent {
  id: string;
  profile: string;
  time: string;
  score: number;
  srcIp?: string;
  destIp?: string;
  srcPort?: number;
  destPort?: number;
  protocol?: string;
  record: Json;
  detectors: Json;
  explanation: Json;
  modelIds: string[];
}

/** A model version that became the active one of its detector: after training, or activated to roll back or forward. */
export interface ModelActivatedEvent {
  profile: string;
  modelId: string;
  detector: string;
  version: number;
  trainingJobId: string | null;
}

export interface ModelsChangedEvent {
  profile: string;
}

/** The one typed map of topics. */
export type Topics = {
  ANOMALY_DETECTED: [AnomalyEvent];
  MODELS_CHANGED: [ModelsChangedEvent];
  TRAINING_PROGRESS: [string, Json];
  MODEL_ACTIVATED: [ModelActivatedEvent];
};
