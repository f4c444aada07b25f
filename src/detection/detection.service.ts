import type { Logger } from 'pino';
import type { AnomalyRepository, NewAnomaly } from '../anomalies/anomaly.repository';
import type { Json } from '../detectors/detector.types';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { AnomalyEvent } from '../events/events';
import type { EventBus } from '../events/pubsub';
import { explain, type FeatureExplanation } from '../features';
import { assertBatchSize, validateRecords, type RecordInput } from '../records/record.validator';
import type { TrafficRecord } from '../records/traffic-record';
import type { TrafficRepository } from '../traffic/traffic.repository';
import type { EncoderGroup, ModelCache, ProfileRuntime } from './model-cache';
import type { DetectorScore, Prediction } from './prediction';
import { normalizeScore } from './score-calibration';

export interface DetectionDeps {
  cache: ModelCache;
  anomalies: AnomalyRepository;
  traffic: TrafficRepository;
  events: EventBus;
  logger: Logger;
  maxBatchRecords: number;
}

interface GroupScores {
  group: EncoderGroup;
  X: Float64Array;
  cols: number;
  raw: Float64Array[];
}

const EXPLANATION_FEATURES = 3;

/**
 * The one detection path. GraphQL, REST, pcap, live capture and Zeek import all
 * end here: validate → featurize with the active models' spec → score → threshold
 * → store anomalies (and traffic) in batches → publish.
 */
export class DetectionService {
  constructor(private readonly deps: DetectionDeps) {}

  /** For untrusted input: validates first, all or nothing. */
  predict(profileName: string, inputs: readonly RecordInput[]): Promise<Prediction[]> {
    assertBatchSize(inputs.length, this.deps.maxBatchRecords);
    return this.detect(profileName, validateRecords(inputs));
  }

  /** For records the project built itself (capture, import): already canonical. */
  async detect(profileName: string, records: readonly TrafficRecord[]): Promise<Prediction[]> {
    const runtime = await this.deps.cache.get(profileName);
    if (runtime.modelCount === 0) {
      throw new AppError(
        ErrorCode.NO_ACTIVE_MODEL,
        `Profile "${profileName}" has no trained model for its enabled detectors; train it first.`,
        { profile: profileName },
      );
    }
    if (records.length === 0) return [];
    const scored = runtime.groups.map((group) => scoreGroup(group, records));
    const predictions = records.map((record, i) => buildPrediction(record, i, scored));
    await this.persist(runtime, records, predictions);
    return predictions;
  }

  private async persist(runtime: ProfileRuntime, records: readonly TrafficRecord[], predictions: Prediction[]): Promise<void> {
    const { profile } = runtime;
    const anomalous = predictions.filter((p) => p.isAnomaly);
    const rows: NewAnomaly[] = anomalous.map((p) => toNewAnomaly(profile.id, p));
    const [ids] = await Promise.all([
      this.deps.anomalies.insertMany(rows),
      profile.storeTraffic ? this.deps.traffic.insertMany(profile.id, records) : Promise.resolve(0),
    ]);
    anomalous.forEach((p, i) => {
      p.anomalyId = ids[i];
      this.deps.events.publish('ANOMALY_DETECTED', toEvent(profile.name, p, rows[i], ids[i]));
    });
  }
}

function scoreGroup(group: EncoderGroup, records: readonly TrafficRecord[]): GroupScores {
  const X = group.encoder.transform(records);
  return { group, X: X.data, cols: X.cols, raw: group.models.map((m) => m.instance.score(X)) };
}

function buildPrediction(record: TrafficRecord, i: number, scored: GroupScores[]): Prediction {
  const detectors: DetectorScore[] = [];
  let best = 0;
  for (const g of scored) {
    g.group.models.forEach((m, j) => {
      const raw = g.raw[j][i];
      const normalizedScore = normalizeScore(raw, m.threshold, m.median);
      if (normalizedScore > best) best = normalizedScore;
      detectors.push({
        name: m.detector,
        score: raw,
        normalizedScore,
        threshold: m.threshold,
        isAnomaly: raw >= m.threshold,
        modelId: m.id,
        modelVersion: m.version,
      });
    });
  }
  let cached: FeatureExplanation[] | undefined;
  return {
    score: best,
    isAnomaly: detectors.some((d) => d.isAnomaly),
    detectors,
    modelVersion: detectors.map((d) => `${d.name}@${d.modelVersion}`).join('+'),
    record,
    explanation: () => (cached ??= explainRecord(record, i, scored)),
  };
}

/** Explains with the first group's spec, using a self-explaining detector's attributions when one is active. */
function explainRecord(record: TrafficRecord, i: number, scored: GroupScores[]): FeatureExplanation[] {
  const g = scored[0];
  const row = g.X.subarray(i * g.cols, (i + 1) * g.cols);
  const explainer = g.group.models.find((m) => m.explains && m.instance.explain);
  const contributions = explainer?.instance.explain?.(row);
  return explain(g.group.spec, record, row, contributions, EXPLANATION_FEATURES);
}

function toNewAnomaly(profileId: string, p: Prediction): NewAnomaly {
  return {
    profileId,
    time: new Date(p.record.timestamp ?? Date.now()),
    record: p.record,
    score: p.score,
    detectorScores: p.detectors,
    modelIds: p.detectors.map((d) => d.modelId),
    explanation: p.explanation(),
    srcIp: p.record.srcIp,
    destIp: p.record.destIp,
  };
}

function toEvent(profile: string, p: Prediction, row: NewAnomaly, id: string): AnomalyEvent {
  const r = p.record;
  return {
    id,
    profile,
    time: row.time.toISOString(),
    score: p.score,
    srcIp: r.srcIp,
    destIp: r.destIp,
    srcPort: r.srcPort,
    destPort: r.destPort,
    protocol: r.protocol,
    record: r as unknown as Json,
    detectors: p.detectors as unknown as Json,
    explanation: row.explanation as Json,
    modelIds: row.modelIds,
  };
}
