import type { RecordKind, TrafficRecord } from '../src/records/traffic-record';
import { FeatureSpecBuilder } from '../src/features/feature-spec.builder';
import type { FeatureSpec } from '../src/features/feature-spec.types';
import { FeatureEncoder } from '../src/features/feature.encoder';
import { generateHomeNetworkTraffic } from '../src/sample/home-network.generator';
import { createRng } from '../src/util/random';

export interface BenchRow {
  name: string;
  rows: number;
  cols: number;
  ms: number;
  rowsPerSec: number;
}

const CHUNK = 5_000;
const RUNS = 5;

/** Best of several runs after a warm-up: the steady-state speed of one core, not JIT start-up. */
function time(run: () => void): number {
  run();
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function row(name: string, rows: number, cols: number, ms: number): BenchRow {
  return { name, rows, cols, ms: Math.round(ms * 10) / 10, rowsPerSec: Math.round((rows / ms) * 1000) };
}

/** Streaming fit in training-sized chunks, as the trainer reads PostgreSQL. */
function fit(kind: RecordKind, records: readonly TrafficRecord[]): FeatureSpec {
  const builder = new FeatureSpecBuilder(kind);
  for (let i = 0; i < records.length; i += CHUNK) builder.add(records.slice(i, i + CHUNK));
  return builder.build();
}

/** Scoring and training both encode a chunk at a time; one 77 MB matrix would mostly time the allocator. */
function transformInChunks(encoder: FeatureEncoder, records: readonly TrafficRecord[]): void {
  for (let i = 0; i < records.length; i += CHUNK) encoder.transform(records.slice(i, i + CHUNK));
}

const SERVICES = ['http', 'smtp', 'ftp_data', 'domain_u', 'private', 'ecr_i', 'eco_i', 'telnet', 'finger', 'ftp', 'auth', 'other'];
const FLAGS = ['SF', 'S0', 'REJ', 'RSTO', 'RSTR', 'SH', 'S1'];

/** KDD-99-shaped rows: 3 string columns and 38 numeric ones (sizes, counts, flags, rates). */
function kddLike(count: number): TrafficRecord[] {
  const rng = createRng(99);
  return Array.from({ length: count }, () => {
    const attributes: Record<string, number | string> = {
      duration: rng.next() < 0.9 ? 0 : rng.int(5000),
      protocol_type: rng.pick(['tcp', 'udp', 'icmp']),
      service: rng.pick(SERVICES),
      flag: rng.pick(FLAGS),
      src_bytes: Math.round(Math.exp(5 + 2 * rng.normal())),
      dst_bytes: Math.round(Math.exp(6 + 2.5 * rng.normal())),
    };
    for (let c = 0; c < 15; c++) attributes[`count_${c}`] = rng.int(c % 2 ? 3 : 512);
    for (let c = 0; c < 20; c++) attributes[`rate_${c}`] = Math.round(rng.next() * 100) / 100;
    return { attributes, label: rng.next() < 0.2 ? 'smurf' : 'normal' };
  });
}

export async function benchFeatures(): Promise<BenchRow[]> {
  const packets = generateHomeNetworkTraffic({ seed: 1, count: 200_000 });
  const flows = generateHomeNetworkTraffic({ seed: 1, count: 100_000, kind: 'flow' });
  const tabular = kddLike(100_000);
  const rows: BenchRow[] = [];
  for (const [name, kind, records] of [
    ['packet', 'packet', packets],
    ['flow', 'flow', flows],
    ['tabular (KDD-like, 41 columns)', 'tabular', tabular],
  ] as const) {
    let spec: FeatureSpec | undefined;
    const fitMs = time(() => (spec = fit(kind, records)));
    const encoder = new FeatureEncoder(spec!);
    rows.push(row(`fit ${name}`, records.length, encoder.cols, fitMs));
    rows.push(row(`transform ${name}`, records.length, encoder.cols, time(() => transformInChunks(encoder, records))));
  }
  return rows;
}

if (require.main === module) {
  void benchFeatures().then((rows) => console.table(rows));
}
