import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KddRowParser } from '../../import/kdd.format';
import type { TrafficRecord } from '../../records/traffic-record';
import { subsampleAttacks, type EvalSet } from '../eval-set';

/** NSL-KDD rows as the importer makes them: 41 named attributes, the attack name as label (difficulty dropped). */
export function readKddFile(path: string): TrafficRecord[] {
  const parser = new KddRowParser();
  const batch = parser.newBatch(1024);
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const rejection = parser.row(line.trim(), 0, batch);
      if (rejection) throw new Error(`${path}:${i + 1}: ${rejection.reason}`);
      batch.endRow();
    });
  return batch.toRecords();
}

/** Train on KDDTrain+_20Percent, test on KDDTest+; both have far more attacks than an anomaly task allows. */
export function nslKdd(dataDir: string, seed: number): EvalSet {
  const dir = join(dataDir, 'flows', 'nsl-kdd');
  const train = subsampleAttacks(readKddFile(join(dir, 'KDDTrain+_20Percent.txt')), seed);
  const test = subsampleAttacks(readKddFile(join(dir, 'KDDTest+.txt')), seed + 1);
  return {
    name: 'NSL-KDD KDDTest+',
    kind: 'tabular',
    train: train.records,
    test: test.records,
    notes: [`train KDDTrain+_20Percent: ${train.note}`, `test KDDTest+: ${test.note}`],
  };
}
