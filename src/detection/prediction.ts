import type { FeatureExplanation } from '../features';
import type { TrafficRecord } from '../records/traffic-record';

export interface DetectorScore {
  name: string;
  /** The detector's raw score (higher = more anomalous). */
  score: number;
  /** 0..1, 0.5 at the threshold: comparable across detectors. */
  normalizedScore: number;
  threshold: number;
  isAnomaly: boolean;
  modelId: string;
  modelVersion: number;
}

export interface Prediction {
  /** 0..1; at or above 0.5 exactly when some detector crossed its threshold. */
  score: number;
  isAnomaly: boolean;
  detectors: DetectorScore[];
  /** e.g. "isolation-forest@3+knn-distance@2". */
  modelVersion: string;
  record: TrafficRecord;
  /** Set when the anomaly was stored. */
  anomalyId?: string;
  /** Computed on demand: most clients never ask for it on normal records. */
  explanation(): FeatureExplanation[];
}
