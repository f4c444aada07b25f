import { normalizeScore } from '../detection/score-calibration';
import type { DetectorRegistry } from '../detectors/registry';
import { FeatureEncoder } from '../features';
import type { TrafficRecord } from '../records/traffic-record';
import { train, type DetectorConfig, type RecordSource, type TrainedModel } from '../training/trainer';
import { labelsOf, type EvalSet } from './eval-set';
import { measure, rocCurve, type QualityMetrics, type RocPoint } from './metrics';
import { seedBaseline, SEED_CONTAMINATION } from './seed-baseline';

export interface EvalOptions {
  registry: DetectorRegistry;
  seed: number;
  /** The profile's contamination: it sets every threshold but the baseline's. */
  contamination: number;
  /** Reported one by one. */
  detectors: readonly DetectorConfig[];
  /** What a profile of the set's kind enables by default, judged as the detection service does (any detector over its threshold). */
  profile: (kind: EvalSet['kind']) => readonly DetectorConfig[];
}

export type ResultRole = 'detector' | 'profile' | 'baseline';

export interface ResultRow {
  name: string;
  role: ResultRole;
  metrics: QualityMetrics;
  /** Per test capture (pcap scenarios): recall of its flows at the threshold. */
  recallBySource?: Record<string, number>;
  fitMs?: number;
  scoreMs: number;
}

export interface SetResult {
  name: string;
  kind: EvalSet['kind'];
  notes: string[];
  trainRows: number;
  testRows: number;
  testAttacks: number;
  features: number;
  rows: ResultRow[];
  curves: { name: string; points: RocPoint[] }[];
}

function describeConfig(d: DetectorConfig): string {
  const params = Object.entries(d.params ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  return params.length > 0 ? `${d.name}(${params.join(', ')})` : d.name;
}

function sourceOf(records: readonly TrafficRecord[], chunk = 10_000): RecordSource {
  return async function* () {
    for (let i = 0; i < records.length; i += chunk) yield records.slice(i, i + chunk);
  };
}

interface Scored {
  model: TrainedModel;
  raw: Float64Array;
  ms: number;
}

/**
 * Trains exactly as a training job does (train(): feature spec, fit sample,
 * thresholds at the contamination quantile of the training scores), reloads
 * each saved model, and scores the test part with it.
 */
export async function evaluateSet(set: EvalSet, options: EvalOptions): Promise<SetResult> {
  const profile = options.profile(set.kind);
  const configs = uniqueConfigs([...options.detectors, ...profile]);
  const models = await train(sourceOf(set.train), {
    kind: set.kind,
    detectors: configs,
    contamination: options.contamination,
    seed: options.seed,
    registry: options.registry,
  });
  const encoder = new FeatureEncoder(models[0].featureSpec);
  const X = encoder.transform(set.test);
  const labels = labelsOf(set.test);
  const scored: Scored[] = models.map((model) => {
    const detector = options.registry.load(model.state);
    const t0 = performance.now();
    const raw = detector.score(X);
    return { model, raw, ms: performance.now() - t0 };
  });

  const rows: ResultRow[] = [];
  const curves: SetResult['curves'] = [];
  const add = (name: string, role: ResultRole, scores: Float64Array, flagged: Uint8Array, ms: number, fitMs?: number) => {
    rows.push({ name, role, metrics: measure(scores, labels, flagged), recallBySource: recallBySource(set, labels, flagged), fitMs, scoreMs: Math.round(ms) });
    curves.push({ name, points: rocCurve(scores, labels) });
  };
  options.detectors.forEach((d) => {
    const s = scored[configs.findIndex((c) => sameConfig(c, d))];
    add(describeConfig(d), 'detector', s.raw, flags(s.raw, s.model.threshold), s.ms, s.model.metrics.fitMs);
  });
  const members = profile.map((d) => scored[configs.findIndex((c) => sameConfig(c, d))]);
  const verdict = profileVerdict(members, set.test.length);
  add(`profile: ${profile.map(describeConfig).join(' + ')}`, 'profile', verdict.scores, verdict.flagged, sum(members.map((m) => m.ms)));

  const t0 = performance.now();
  const baseline = seedBaseline(set.train, set.test, options.seed);
  add(`seed baseline (IF, contamination ${SEED_CONTAMINATION})`, 'baseline', baseline.scores, flags(baseline.scores, baseline.threshold), performance.now() - t0);

  return {
    name: set.name,
    kind: set.kind,
    notes: set.notes,
    trainRows: set.train.length,
    testRows: set.test.length,
    testAttacks: labels.reduce((n, y) => n + y, 0),
    features: encoder.cols,
    rows,
    curves,
  };
}

/** As the detection service decides: flagged when any detector reaches its threshold; ranked by the best normalized score. */
function profileVerdict(members: Scored[], rows: number): { scores: Float64Array; flagged: Uint8Array } {
  const scores = new Float64Array(rows).fill(-Infinity);
  const flagged = new Uint8Array(rows);
  for (const { model, raw } of members) {
    const median = model.metrics.scoreQuantiles.q50;
    for (let i = 0; i < rows; i++) {
      // With one member the raw score ranks (the normalized one saturates near 1 and would tie the top).
      const s = members.length === 1 ? raw[i] : normalizeScore(raw[i], model.threshold, median);
      if (s > scores[i]) scores[i] = s;
      if (raw[i] >= model.threshold) flagged[i] = 1;
    }
  }
  return { scores, flagged };
}

function flags(scores: Float64Array, threshold: number): Uint8Array {
  return Uint8Array.from(scores, (s) => (s >= threshold ? 1 : 0));
}

function recallBySource(set: EvalSet, labels: Uint8Array, flagged: Uint8Array): Record<string, number> | undefined {
  if (set.testSources === undefined) return undefined;
  const totals = new Map<string, [number, number]>();
  set.testSources.forEach((source, i) => {
    if (labels[i] !== 1) return;
    const t = totals.get(source) ?? [0, 0];
    t[0] += flagged[i];
    t[1]++;
    totals.set(source, t);
  });
  return Object.fromEntries([...totals].map(([source, [hit, all]]) => [source, hit / all]));
}

function sameConfig(a: DetectorConfig, b: DetectorConfig): boolean {
  return describeConfig(a) === describeConfig(b);
}

function uniqueConfigs(configs: readonly DetectorConfig[]): DetectorConfig[] {
  return configs.filter((c, i) => configs.findIndex((d) => sameConfig(c, d)) === i);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
