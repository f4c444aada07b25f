import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { NewAnomaly } from '../anomalies/anomaly.repository';
import type { AnomalyWriter } from '../anomalies/anomaly.writer';
import { isDatabaseUnavailable, withDeadline } from '../db/availability';
import type { Json } from '../detectors/detector.types';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { AnomalyEvent } from '../events/events';
import type { EventBus } from '../events/pubsub';
import { explain, type FeatureExplanation } from '../features';
import type { BatchObserver, PredictionTransport } from '../metrics/prometheus';
import { assertBatchSize, validateRecords, type RecordInput } from '../records/record.validator';
import type { TrafficRecord } from '../records/traffic-record';
import type { ProfileRef } from '../profiles/profile.service';
import type { TrafficRepository } from '../traffic/traffic.repository';
import type { EncoderGroup, ModelCache, ProfileRuntime } from './model-cache';
import type { DetectorScore, Prediction } from './prediction';
import { normalizeScore } from './score-calibration';

export interface DetectionDeps {
  cache: ModelCache;
  /** Stores anomalies, holding them in memory while the database is down. */
  anomalies: AnomalyWriter;
  traffic: TrafficRepository;
  /** Traffic storage gives up on a database that does not answer within this (DB_WRITE_TIMEOUT_MS). */
  writeTimeoutMs: number;
  events: EventBus;
  logger: Logger;
  maxBatchRecords: number;
  /** Told once per scored batch (counts, latency); never per record. */
  metrics?: BatchObserver;
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
  private trafficLost = 0;

  constructor(private readonly deps: DetectionDeps) {}

  /** Records of `storeTraffic` profiles not stored because the database was down (training data, not alerts: never held). */
  get trafficRecordsDropped(): number {
    return this.trafficLost;
  }

  /** For untrusted input: validates first, all or nothing. */
  predict(profile: ProfileRef, inputs: readonly RecordInput[], transport: PredictionTransport = 'graphql'): Promise<Prediction[]> {
    assertBatchSize(inputs.length, this.deps.maxBatchRecords);
    return this.detect(profile, validateRecords(inputs), transport);
  }

  /** For records the project built itself (capture, import): already canonical. */
  async detect(profile: ProfileRef, records: readonly TrafficRecord[], transport: PredictionTransport = 'import'): Promise<Prediction[]> {
    const started = performance.now();
    const runtime = await this.deps.cache.get(profile);
    if (runtime.modelCount === 0) {
      throw new AppError(
        ErrorCode.NO_ACTIVE_MODEL,
        `Profile "${profile.name}" has no trained model for its enabled detectors; train it first.`,
        { profile: profile.name },
      );
    }
    if (records.length === 0) return [];
    const scored = runtime.groups.map((group) => scoreGroup(group, records));
    const modelVersion = scored.flatMap((g) => g.group.models.map((m) => `${m.detector}@${m.version}`)).join('+');
    const predictions = records.map((record, i) => buildPrediction(record, i, scored, modelVersion));
    await this.persist(runtime, records, predictions);
    this.deps.metrics?.observeBatch(runtime.ref, transport, predictions, (performance.now() - started) / 1000);
    return predictions;
  }

  private async persist(runtime: ProfileRuntime, records: readonly TrafficRecord[], predictions: Prediction[]): Promise<void> {
    const { profile } = runtime;
    const anomalous = predictions.filter((p) => p.isAnomaly);
    const rows: NewAnomaly[] = anomalous.map((p) => toNewAnomaly(profile.id, p));
    // Stored, or held until the database is back: either way the anomaly has its id
    // (made here, not by the database) and is published now.
    await Promise.all([this.deps.anomalies.write(rows), profile.storeTraffic ? this.storeTraffic(profile.id, records) : undefined]);
    anomalous.forEach((p, i) => {
      p.anomalyId = rows[i].uid;
      this.deps.events.publish('ANOMALY_DETECTED', toEvent(runtime.ref, p, rows[i], rows[i].uid));
    });
  }

  private async storeTraffic(profileId: string, records: readonly TrafficRecord[]): Promise<void> {
    try {
      await withDeadline(this.deps.traffic.insertMany(profileId, records), this.deps.writeTimeoutMs, 'storing traffic');
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      this.trafficLost += records.length;
      this.deps.logger.warn({ err, records: records.length }, 'database unavailable: traffic records not stored');
    }
  }
}

function scoreGroup(group: EncoderGroup, records: readonly TrafficRecord[]): GroupScores {
  const X = group.encoder.transform(records);
  return { group, X: X.data, cols: X.cols, raw: group.models.map((m) => m.instance.score(X)) };
}

function buildPrediction(record: TrafficRecord, i: number, scored: GroupScores[], modelVersion: string): Prediction {
  let best = 0;
  let isAnomaly = false;
  for (const g of scored) {
    const models = g.group.models;
    for (let j = 0; j < models.length; j++) {
      const m = models[j];
      const raw = g.raw[j][i];
      const normalizedScore = normalizeScore(raw, m.threshold, m.median);
      if (normalizedScore > best) best = normalizedScore;
      if (raw >= m.threshold) isAnomaly = true;
    }
  }
  return new ScoredRecord(best, isAnomaly, modelVersion, record, i, scored);
}

/** Each model's score of record i of the batch. */
function detectorScores(i: number, scored: GroupScores[]): DetectorScore[] {
  return scored.flatMap((g) =>
    g.group.models.map((m, j) => {
      const raw = g.raw[j][i];
      return {
        name: m.detector,
        score: raw,
        normalizedScore: normalizeScore(raw, m.threshold, m.median),
        threshold: m.threshold,
        isAnomaly: raw >= m.threshold,
        modelId: m.id,
        modelVersion: m.version,
      };
    }),
  );
}

/**
 * A prediction whose per-detector scores and explanation are made on first
 * request. A class rather than an object literal with an arrow function: a
 * capture scores tens of thousands of records a second, and a closure (with
 * its context) per record was a good part of the garbage; so were the
 * per-detector score objects, which only anomalies and API answers read.
 * The batch's scores are private fields, so they are neither serialized nor
 * copied with the prediction.
 */
class ScoredRecord implements Prediction {
  declare anomalyId?: string;
  /** Starts as a number, so that V8 keeps it an unboxed double (see Flow.start in the capture). */
  score = 0;
  readonly #index: number;
  readonly #scored: GroupScores[];
  #detectors: DetectorScore[] | undefined;
  #explained: FeatureExplanation[] | undefined;

  constructor(
    score: number,
    public isAnomaly: boolean,
    public modelVersion: string,
    public record: TrafficRecord,
    index: number,
    scored: GroupScores[],
  ) {
    this.score = score;
    this.#index = index;
    this.#scored = scored;
  }

  get detectors(): DetectorScore[] {
    return (this.#detectors ??= detectorScores(this.#index, this.#scored));
  }

  explanation(): FeatureExplanation[] {
    return (this.#explained ??= explainRecord(this.record, this.#index, this.#scored));
  }
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
    uid: randomUUID(),
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

function toEvent(ref: ProfileRef, p: Prediction, row: NewAnomaly, id: string): AnomalyEvent {
  const r = p.record;
  return {
    id,
    site: ref.site,
    profile: ref.name,
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
