import type { Model, Profile } from '@prisma/client';
import type { AnomalyRow } from '../anomalies/anomaly.repository';
import { FeatureEncoder } from '../features';
import { parseFeatureSpec } from '../features';
import { profileDetectors } from '../profiles/profile.service';
import type { TrafficRecord } from '../records/traffic-record';
import type { AnomalyType } from './types/anomaly.type';
import type { DetectorScoreType } from './types/detector-score.type';
import type { FeatureExplanationType } from './types/explanation.type';
import type { ModelType } from './types/model.type';
import { RecordKindEnum, type ProfileType } from './types/profile.type';

export function toProfileType(p: Profile, site: string): ProfileType {
  return {
    name: p.name,
    site,
    kind: RecordKindEnum[p.kind],
    detectors: profileDetectors(p).map((d) => ({ name: d.name, params: d.params ?? {} })),
    contamination: p.contamination,
    alertsPerDay: p.alertsPerDay,
    storeTraffic: p.storeTraffic,
    retrainEvery: p.retrainEvery,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function toModelType(m: Model, profile: string): ModelType {
  return {
    id: m.id,
    profile,
    detector: m.detector,
    version: m.version,
    params: m.params as Record<string, unknown>,
    threshold: m.threshold,
    metrics: m.metrics as Record<string, unknown>,
    features: new FeatureEncoder(parseFeatureSpec(m.featureSpec)).names,
    trainedAt: m.trainedAt,
    active: m.active,
  };
}

export function toAnomalyType(a: AnomalyRow): AnomalyType {
  const record = a.record as TrafficRecord;
  return {
    id: a.uid,
    profile: a.profile.name,
    time: a.time,
    score: a.score,
    srcIp: a.srcIp ?? undefined,
    destIp: a.destIp ?? undefined,
    srcPort: record.srcPort,
    destPort: record.destPort,
    protocol: record.protocol,
    record: record as Record<string, unknown>,
    detectors: a.detectorScores as unknown as DetectorScoreType[],
    modelIds: a.modelIds,
    explanation: a.explanation as unknown as FeatureExplanationType[],
  };
}
