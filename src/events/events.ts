import type { Json } from '../detectors/detector.types';

/**
 * Payloads of every published event. They are JSON-safe on purpose: with
 * REDIS_URL they cross Redis to other server instances.
 */
export interface AnomalyEvent {
  id: string;
  site: string;
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
  site: string;
  profile: string;
  modelId: string;
  detector: string;
  version: number;
  trainingJobId: string | null;
}

export interface ModelsChangedEvent {
  site: string;
  profile: string;
}

/** Other instances drop a revoked key from their caches at once. */
export interface ApiKeyRevokedEvent {
  hash: string;
  keyId: string;
}

/** The one typed map of topics. */
export type Topics = {
  ANOMALY_DETECTED: [AnomalyEvent];
  MODELS_CHANGED: [ModelsChangedEvent];
  TRAINING_PROGRESS: [string, Json];
  MODEL_ACTIVATED: [ModelActivatedEvent];
  API_KEY_REVOKED: [ApiKeyRevokedEvent];
};
