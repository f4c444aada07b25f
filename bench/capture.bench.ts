/**
 * Capture pipeline throughput and memory: writes a realistic 100k- and a
 * 1M-packet pcap to a temp dir, then runs file → packets → (flows) →
 * windowed features (→ scores), reporting packets/s on one thread, the CPU
 * time it took on all cores, and peak RSS: the median of three runs, and the
 * range of packets/s over them.
 * Each run gets its own Node process, so its peak RSS is its own and not the
 * high-water mark of the runs before it; equal peaks for both sizes show that
 * memory does not grow with the file.
 *
 * The scoring runs use the detection service with the default detectors,
 * trained beforehand on the flows of a separate capture, and the score
 * command's JSON lines (written nowhere); only the database is left out, so
 * the rows measure this process's work, not PostgreSQL's.
 *
 * `npx tsx bench/capture.bench.ts` or `npm run bench capture`.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../src/logger';
import type { AnomalyWriter } from '../src/anomalies/anomaly.writer';
import { capturePipeline, CapturePipelineOptions } from '../src/capture';
import { CaptureFile } from '../src/capture/capture-file';
import { DetectionService } from '../src/detection/detection.service';
import type { EncoderGroup, ModelCache, ProfileRuntime } from '../src/detection/model-cache';
import { createDefaultRegistry } from '../src/detectors/builtin';
import type { EventBus } from '../src/events/pubsub';
import { FeatureEncoder, parseFeatureSpec } from '../src/features';
import { DEFAULT_DETECTORS_BY_KIND, DEFAULT_SITE, type Profile } from '../src/profiles/profile.service';
import { scoreRecords } from '../src/scoring/record-scorer';
import type { TrafficRepository } from '../src/traffic/traffic.repository';
import { train, type TrainedModel } from '../src/training/trainer';
import { generateTraffic } from '../test/helpers/pcap-traffic';
import { PcapFileWriter } from '../test/helpers/pcap-writer';
import type { TrafficRecord } from '../src/records/traffic-record';

const SIZES = [100_000, 1_000_000];

/** `score` runs the records through the detection service and the score command's JSON lines. */
type Scenario = { name: string; options: CapturePipelineOptions; score?: boolean };

const SCENARIOS: Scenario[] = [
  { name: 'packets', options: { kind: 'packet', windowed: false } },
  { name: 'packets + windowed', options: { kind: 'packet', windowed: true } },
  { name: 'flows + windowed', options: { kind: 'flow', windowed: true } },
  { name: 'flows + windowed + scores', options: { kind: 'flow', windowed: true }, score: true },
];

/** The scoring runs' models are trained on a capture of their own, not on the files they score. */
const TRAINING_PACKETS = 200_000;
const RUN_FLAG = '--run-capture-scenario';
/** Runs per scenario and file; the table shows the median one. */
const RUNS = 3;

export async function benchCapture(): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'netsentinel-capture-bench-'));
  try {
    const models = path.join(dir, 'models.json');
    writeFileSync(models, JSON.stringify(await trainFlowModels(dir)));
    const rows: Record<string, unknown>[] = [];
    for (const packets of SIZES) {
      const file = path.join(dir, `mix-${packets}.pcap`);
      const writeSeconds = writeMix(file, packets, 42);
      const fileMB = round(statSync(file).size / 2 ** 20, 1);
      for (const scenario of SCENARIOS) rows.push({ scenario: scenario.name, fileMB, writeSeconds, ...medianRun(file, scenario, models) });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeMix(file: string, packets: number, seed: number): number {
  const started = process.hrtime.bigint();
  const writer = new PcapFileWriter(file);
  for (const packet of generateTraffic({ packets, seed })) writer.write(packet.timestampMs, packet.frame);
  writer.close();
  return round(Number(process.hrtime.bigint() - started) / 1e9, 2);
}

/** The default detectors of a flow profile, fitted on the flows of another seed's capture. */
async function trainFlowModels(dir: string): Promise<TrainedModel[]> {
  const file = path.join(dir, 'training.pcap');
  writeMix(file, TRAINING_PACKETS, 7);
  const flows: TrafficRecord[][] = [];
  for await (const batch of await CaptureFile.open({ format: 'pcap', file, kind: 'flow' })) flows.push(batch);
  return train(async function* () { yield* flows; }, {
    kind: 'flow',
    detectors: DEFAULT_DETECTORS_BY_KIND.FLOW,
    contamination: 0.01,
    seed: 1,
    registry: createDefaultRegistry(),
  });
}

/**
 * The median of RUNS runs by time (its row), with the range of packets/s
 * over all of them: one run on a shared host can be 20% off either way.
 */
function medianRun(file: string, scenario: Scenario, models: string): Record<string, unknown> {
  const runs = Array.from({ length: RUNS }, () => runInChild(file, scenario, models)).sort((a, b) => Number(a.seconds) - Number(b.seconds));
  const rates = runs.map((run) => Number(run.packetsPerSecond));
  return { ...runs[Math.floor(RUNS / 2)], packetsPerSecondRange: `${Math.min(...rates)}–${Math.max(...rates)}` };
}

/** Runs one scenario in a fresh Node process with the same loader (tsx) as this one. */
function runInChild(file: string, scenario: Scenario, models: string): Record<string, unknown> {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, RUN_FLAG, file, JSON.stringify(scenario), models], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`capture bench run failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

async function runScenario(file: string, scenario: Scenario, models: string): Promise<Record<string, unknown>> {
  const detection = scenario.score ? detectionWithoutDatabase(JSON.parse(readFileSync(models, 'utf8')) as TrainedModel[]) : undefined;
  let records = 0;
  let anomalies: number | undefined;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const pipeline = capturePipeline(createReadStream(file, { highWaterMark: 1 << 20 }), scenario.options);
  if (detection) {
    const summary = await scoreRecords(detection, {
      profile: { site: DEFAULT_SITE, name: 'bench' },
      batches: pipeline,
      sink: async () => undefined,
      reorderByStart: true,
      startWatermark: (batch) => pipeline.startWatermark(batch),
    });
    records = summary.records;
    anomalies = summary.anomalies;
  } else {
    for await (const batch of pipeline) records += batch.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const packets = pipeline.stats.capture.packets;
  return {
    packets,
    records,
    anomalies,
    seconds: round(seconds, 2),
    // The pipeline is one thread; V8's garbage collector helpers and libuv's file reads add CPU on other cores.
    cpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
    packetsPerSecond: Math.round(packets / seconds),
    peakRssMB: round(process.resourceUsage().maxRSS / 1024, 0),
  };
}

/**
 * The detection service over the trained models, loaded as the model cache
 * loads them, with persistence and events that do nothing.
 */
function detectionWithoutDatabase(models: TrainedModel[]): DetectionService {
  const registry = createDefaultRegistry();
  const spec = parseFeatureSpec(models[0].featureSpec);
  const group: EncoderGroup = {
    spec,
    encoder: new FeatureEncoder(spec),
    models: models.map((m, i) => ({
      id: `model-${i}`,
      detector: m.detector,
      version: 1,
      threshold: m.threshold,
      median: m.metrics.scoreQuantiles?.q50 ?? 0,
      instance: registry.load(m.state),
      explains: registry.get(m.detector).describe().capabilities.explains,
    })),
  };
  const runtime: ProfileRuntime = { ref: { site: DEFAULT_SITE, name: 'bench' }, profile: { id: 'bench', name: 'bench', kind: 'FLOW', storeTraffic: false } as Profile, groups: [group], modelCount: models.length };
  return new DetectionService({
    cache: { get: async () => runtime } as unknown as ModelCache,
    anomalies: { write: async () => undefined } as unknown as AnomalyWriter,
    traffic: { insertMany: async () => 0 } as unknown as TrafficRepository,
    events: { publish: () => undefined } as unknown as EventBus,
    logger: createLogger('silent'),
    maxBatchRecords: Number.MAX_SAFE_INTEGER,
    writeTimeoutMs: 5_000,
  });
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

async function main(): Promise<void> {
  const [flag, file, scenario, models] = process.argv.slice(2);
  if (flag === RUN_FLAG) console.log(JSON.stringify(await runScenario(file, JSON.parse(scenario) as Scenario, models)));
  else console.table(await benchCapture());
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
