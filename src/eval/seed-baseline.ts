import { calibrate } from '../detection/score-calibration';
import { isolationForest } from '../detectors/isolation-forest';
import type { Matrix } from '../detectors/matrix';
import type { TrafficRecord } from '../records/traffic-record';

/**
 * The old Flask tool's pipeline, for comparison in the same run: every number
 * standardised (mean 0, std 1; missing = mean), every string one-hot (unknown
 * categories all zero, as scikit-learn's handle_unknown='ignore'), an isolation
 * forest with scikit-learn's defaults, and the threshold at contamination 0.1.
 * Ports count as plain numbers and addresses are left out, as that tool did.
 */
export const SEED_CONTAMINATION = 0.1;

const NUMERIC_FIELDS = ['srcPort', 'destPort', 'packetSize', 'duration', 'bytesOut', 'bytesIn', 'packetsOut', 'packetsIn'] as const;
const STRING_FIELDS = ['protocol', 'tcpFlags', 'connState', 'service'] as const;

type Column = { type: 'number'; read: (r: TrafficRecord) => number | undefined; mean: number; std: number } | { type: 'one-hot'; read: (r: TrafficRecord) => string | undefined; value: string };

function numberOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function columnsOf(records: readonly TrafficRecord[]): Column[] {
  const numbers = new Map<string, (r: TrafficRecord) => number | undefined>();
  const strings = new Map<string, (r: TrafficRecord) => string | undefined>();
  for (const f of NUMERIC_FIELDS) numbers.set(f, (r) => numberOf(r[f]));
  for (const f of STRING_FIELDS) strings.set(f, (r) => stringOf(r[f]));
  for (const r of records) {
    for (const [name, v] of Object.entries(r.attributes ?? {})) {
      const key = `attr.${name}`;
      if (typeof v === 'number' && !numbers.has(key)) numbers.set(key, (x) => numberOf(x.attributes?.[name]));
      if (typeof v === 'string' && !strings.has(key)) strings.set(key, (x) => stringOf(x.attributes?.[name]));
    }
  }
  const columns: Column[] = [];
  for (const read of numbers.values()) {
    const values = records.map(read).filter((v): v is number => v !== undefined);
    if (values.length === 0) continue;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    columns.push({ type: 'number', read, mean, std: std > 0 ? std : 1 });
  }
  for (const read of strings.values()) {
    const seen = new Set(records.map(read).filter((v): v is string => v !== undefined));
    for (const value of [...seen].sort()) columns.push({ type: 'one-hot', read, value });
  }
  return columns;
}

function encode(columns: readonly Column[], records: readonly TrafficRecord[]): Matrix {
  const cols = columns.length;
  const data = new Float64Array(records.length * cols);
  records.forEach((r, i) => {
    columns.forEach((c, j) => {
      if (c.type === 'one-hot') data[i * cols + j] = c.read(r) === c.value ? 1 : 0;
      else {
        const v = c.read(r);
        data[i * cols + j] = v === undefined ? 0 : (v - c.mean) / c.std;
      }
    });
  });
  return { rows: records.length, cols, data };
}

export interface BaselineScores {
  scores: Float64Array;
  threshold: number;
}

export function seedBaseline(train: readonly TrafficRecord[], test: readonly TrafficRecord[], seed: number): BaselineScores {
  const columns = columnsOf(train);
  const forest = isolationForest.create({ nEstimators: 100, maxSamples: 256 });
  const X = encode(columns, train);
  forest.fit(X, { seed });
  return { scores: forest.score(encode(columns, test)), threshold: calibrate(forest.score(X), SEED_CONTAMINATION).threshold };
}
