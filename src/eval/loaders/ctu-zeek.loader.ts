import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { capturePipeline } from '../../capture';
import type { TrafficRecord } from '../../records/traffic-record';
import { labelled, subsampleAttacks, type EvalSet } from '../eval-set';

export interface FlowOptions {
  /** Add the capture layer's windowed per-host features, as a live flow profile would. */
  windowed: boolean;
}

/** A Zeek conn.log through the capture pipeline (labels go to `label` only), in file order. */
async function readZeekFile(path: string, options: FlowOptions): Promise<TrafficRecord[]> {
  const records: TrafficRecord[] = [];
  for await (const batch of capturePipeline(createReadStream(path), { kind: 'flow', windowed: options.windowed })) {
    records.push(...batch);
  }
  return records;
}

/**
 * CTU-Normal day 008: the first half of the day (in log order) trains, the
 * second half tests. Background rows have no ground truth and are dropped
 * after the windowed features saw them (they were on the wire). Malicious
 * flows are the majority in both halves and are subsampled.
 */
export async function ctuZeek008(dataDir: string, seed: number, options: FlowOptions): Promise<EvalSet> {
  const path = join(dataDir, 'flows', 'ctu-normal-zeek-labeled', '008-conn.log.labeled');
  const all = await readZeekFile(path, options);
  const half = Math.floor(all.length / 2);
  const train = subsampleAttacks(labelled(all.slice(0, half)), seed);
  const test = subsampleAttacks(labelled(all.slice(half)), seed + 1);
  return {
    name: `CTU Zeek day 008${options.windowed ? '' : ' (no windowed features)'}`,
    kind: 'flow',
    train: train.records,
    test: test.records,
    notes: [
      `${all.length} flows, split by time at flow ${half}; Background dropped`,
      `train (first half): ${train.note}`,
      `test (second half): ${test.note}`,
    ],
  };
}
