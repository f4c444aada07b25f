import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrafficRecord } from '../../records/traffic-record';
import { randomSplit, type EvalSet } from '../eval-set';
import { parseNpz } from '../npy';

/** The three log-scaled KDD'99 columns ODDS keeps, in file order. */
const COLUMNS = ['duration', 'src_bytes', 'dst_bytes'];

export function readOddsFile(path: string): TrafficRecord[] {
  const arrays = parseNpz(readFileSync(path));
  const X = arrays.get('X');
  const y = arrays.get('y');
  if (!X || !y || X.shape.length !== 2 || X.shape[0] !== y.data.length) throw new Error(`${path}: expected X[n, d] and y[n]`);
  const [rows, cols] = X.shape;
  const names = Array.from({ length: cols }, (_, c) => COLUMNS[c] ?? `x${c}`);
  return Array.from({ length: rows }, (_, r) => ({
    attributes: Object.fromEntries(names.map((name, c) => [name, X.data[r * cols + c]])),
    label: y.data[r] === 1 ? 'attack' : 'normal',
  }));
}

/** ODDS has no split of its own: a seeded half of the rows trains, the other half tests. */
export function odds(dataDir: string, set: 'http' | 'smtp', seed: number): EvalSet {
  const file = set === 'http' ? '16_http.npz' : '34_smtp.npz';
  const records = readOddsFile(join(dataDir, 'flows', 'odds-kdd99', file));
  const [train, test] = randomSplit(records, 0.5, seed);
  const attacks = (rs: TrafficRecord[]) => rs.filter((r) => r.label === 'attack').length;
  return {
    name: `ODDS ${set}`,
    kind: 'tabular',
    train,
    test,
    notes: [
      `${file}: ${records.length} rows, random 50/50 split (seed ${seed})`,
      `train ${train.length} rows (${attacks(train)} attacks), test ${test.length} rows (${attacks(test)} attacks); no subsampling (attacks are already rare)`,
    ],
  };
}
