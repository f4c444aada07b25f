export interface Explanation {
  feature: string;
  value: string;
  typical: string;
  message: string;
}

export interface Anomaly {
  id: string;
  profile: string;
  time: string;
  score: number;
  srcIp: string | null;
  destIp: string | null;
  srcPort: number | null;
  destPort: number | null;
  protocol: string | null;
  explanation: Explanation[];
}

export interface ScoreBucket {
  start: string;
  count: number;
  maxScore: number | null;
}

export interface HostCount {
  host: string;
  anomalies: number;
  maxScore: number;
  lastSeen: string;
}

export interface AnomalyStats {
  total: number;
  bucketSeconds: number;
  timeline: ScoreBucket[];
  topHosts: HostCount[];
}

export type ParamValue = number | string | boolean;

export interface DetectorParam {
  name: string;
  type: 'int' | 'float' | 'boolean' | 'string';
  default: ParamValue;
  description: string;
  min: number | null;
  max: number | null;
}

export interface Detector {
  name: string;
  summary: string;
  params: DetectorParam[];
}

export type RecordKind = 'PACKET' | 'FLOW' | 'TABULAR';

export interface Profile {
  name: string;
  site: string;
  kind: RecordKind;
  detectors: { name: string; params: Record<string, ParamValue> }[];
  contamination: number;
  alertsPerDay: number | null;
  storeTraffic: boolean;
  retrainEvery: number | null;
}

export interface Model {
  id: string;
  detector: string;
  version: number;
  threshold: number;
  trainedAt: string;
  active: boolean;
  metrics: { rows?: number; rocAuc?: number };
}

export type JobState = 'QUEUED' | 'ACTIVE' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface TrainingJob {
  id: string;
  state: JobState;
  progress: number;
  message: string | null;
  error: string | null;
}

/** Operations this server offers beyond the dashboard's core (training arrived separately). */
export interface Capabilities {
  trainModel: boolean;
  activateModel: boolean;
  trainingProgress: boolean;
}

/** Who the page is signed in as; with AUTH=off the default site, without a key. */
export interface Viewer {
  site: string;
  scopes: string[];
  keyId: string | null;
  root: boolean;
}
