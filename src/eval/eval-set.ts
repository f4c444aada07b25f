import type { RecordKind, TrafficRecord } from '../records/traffic-record';
import { attackLabel } from '../training/labels';
import { createRng } from '../util/random';

/**
 * One evaluation task: train on `train` without its labels, score `test`.
 * Every record keeps its ground truth in `label` only, which the feature
 * pipeline never reads.
 */
export interface EvalSet {
  name: string;
  kind: RecordKind;
  train: TrafficRecord[];
  test: TrafficRecord[];
  /** How the set was built (splits, subsampling), for the report. */
  notes: string[];
  /** Pcap scenarios: which capture each test record came from, so results can be given per attack capture. */
  testSources?: string[];
}

/** The share of attacks the issue asks for when a part of a set is dominated by them. */
const TARGET_ATTACK_SHARE = 0.05;

/** 1 = attack; rows without a usable label must have been dropped by the loader. */
export function labelsOf(records: readonly TrafficRecord[]): Uint8Array {
  return Uint8Array.from(records, (r, i) => {
    const y = attackLabel(r.label);
    if (y === undefined) throw new Error(`record ${i} has no attack/benign label (${String(r.label)})`);
    return y;
  });
}

/** Keeps rows with a benign/attack label (drops Background, Unknown, unlabelled). */
export function labelled(records: readonly TrafficRecord[]): TrafficRecord[] {
  return records.filter((r) => attackLabel(r.label) !== undefined);
}

export interface Subsampled {
  records: TrafficRecord[];
  /** Index in the input of each kept record. */
  kept: number[];
  note: string;
}

/**
 * Keeps every benign row and a seeded random subset of attacks, so attacks make
 * up `share` of the result (an anomaly-detection task needs anomalies to be
 * rare). A part already at or below the share is returned unchanged. Order is kept.
 */
export function subsampleAttacks(records: readonly TrafficRecord[], seed: number, share = TARGET_ATTACK_SHARE): Subsampled {
  const labels = labelsOf(records);
  const attacks = labels.reduce((n, y) => n + y, 0);
  const benign = records.length - attacks;
  // At least one: a task without anomalies measures nothing.
  const keep = Math.max(1, Math.round((share / (1 - share)) * benign));
  if (attacks <= keep) {
    const note = `${attacks} attacks of ${records.length} rows (${pct(attacks, records.length)}), not subsampled`;
    return { records: [...records], kept: records.map((_, i) => i), note };
  }
  const rng = createRng(seed);
  const attackRows = records.flatMap((_, i) => (labels[i] === 1 ? [i] : []));
  // Partial Fisher–Yates: the first `keep` entries become a uniform sample.
  for (let i = 0; i < keep; i++) {
    const j = i + rng.int(attackRows.length - i);
    [attackRows[i], attackRows[j]] = [attackRows[j], attackRows[i]];
  }
  const chosen = new Set(attackRows.slice(0, keep));
  const kept = records.flatMap((_, i) => (labels[i] === 0 || chosen.has(i) ? [i] : []));
  const note = `attacks subsampled from ${attacks} to ${keep} (seed ${seed}): ${pct(keep, kept.length)} of ${kept.length} rows`;
  return { records: kept.map((i) => records[i]), kept, note };
}

/** A seeded random split: `share` of the rows (in their order) go to the first part. */
export function randomSplit<T>(records: readonly T[], share: number, seed: number): [T[], T[]] {
  const rng = createRng(seed);
  const first: T[] = [];
  const second: T[] = [];
  for (const r of records) (rng.next() < share ? first : second).push(r);
  return [first, second];
}

function pct(part: number, whole: number): string {
  return `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;
}
