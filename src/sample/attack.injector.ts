import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { TrafficRecord } from '../records/traffic-record';
import { createRng, type Rng } from '../util/random';
import { ATTACKS, ATTACK_KINDS, type AttackKind } from './attack.scenarios';
import type { Session } from './session';
import { sessionFlow, sessionPackets } from './session.emitter';

export interface InjectOptions {
  seed: number;
  /** Share of the returned records that are attacks, in [0, 1). Default 0.02. */
  rate?: number;
  /** Attack kinds to mix in, used round-robin so each appears. Default: all. */
  kinds?: readonly AttackKind[];
}

export interface InjectedTraffic {
  /** Copies of the input (label 'normal') with labeled attack records merged in time order. */
  records: TrafficRecord[];
  /** 1 where records[i] is an attack. */
  labels: Uint8Array;
}

const NORMAL = 'normal';

/** Flow profiles carry conn counters; packet profiles do not. */
function looksLikeFlows(records: readonly TrafficRecord[]): boolean {
  return records.some((r) => r.bytesOut !== undefined || r.bytesIn !== undefined || r.duration !== undefined);
}

function validate(o: InjectOptions): { rate: number; kinds: readonly AttackKind[] } {
  const rate = o.rate ?? 0.02;
  const kinds = o.kinds ?? ATTACK_KINDS;
  if (!(rate >= 0 && rate < 1)) throw new AppError(ErrorCode.BAD_USER_INPUT, 'rate must be in [0, 1)', { rate });
  const unknown = kinds.filter((k) => !(k in ATTACKS));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'kinds must list known attack kinds', { unknown, known: ATTACK_KINDS });
  }
  return { rate, kinds };
}

/** Where attacks may start: inside the benign time span, or anywhere in the sequence when records have no time. */
interface Placement {
  /** Sort key of benign record i. */
  key(i: number): number;
  /** A start for a new episode (a timestamp, or a fractional index for untimed input). */
  draw(rng: Rng): number;
  timed: boolean;
}

function placement(records: readonly TrafficRecord[]): Placement {
  const times = records.map((r) => r.timestamp);
  if (records.length > 0 && times.every((t): t is number => typeof t === 'number')) {
    // A loop, not Math.min(...times): spreading a million arguments overflows the stack.
    let lo = Infinity;
    let hi = -Infinity;
    for (const t of times as number[]) {
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    return { timed: true, key: (i) => times[i] as number, draw: (rng) => lo + rng.next() * (hi - lo) };
  }
  return { timed: false, key: (i) => i, draw: (rng) => rng.next() * records.length };
}

interface Episode {
  key: number;
  records: TrafficRecord[];
}

function episodes(rng: Rng, total: number, kinds: readonly AttackKind[], where: Placement, flows: boolean): Episode[] {
  const budget = Math.max(1, Math.ceil(total / kinds.length));
  const out: Episode[] = [];
  for (let made = 0, i = 0; made < total; i++) {
    const kind = kinds[i % kinds.length];
    const key = where.draw(rng);
    const sessions = ATTACKS[kind](rng, where.timed ? key : 0);
    const emitted = sessions.flatMap((s: Session) => (flows ? [sessionFlow(s)] : sessionPackets(s)));
    emitted.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    const records = emitted.slice(0, Math.min(budget, total - made)).map((r) => ({ ...r, label: kind }));
    if (!where.timed) records.forEach((r) => delete r.timestamp);
    made += records.length;
    out.push({ key, records });
  }
  return out;
}

/**
 * Mixes labeled attack traffic into benign records, deterministically for a
 * seed: portscans, SYN floods, exfiltration, brute force, DNS tunnels as
 * packets or as flows, matching the input. Used by the seeded detection
 * quality regression test and the examples.
 */
export function injectAttacks(records: readonly TrafficRecord[], options: InjectOptions): InjectedTraffic {
  const { rate, kinds } = validate(options);
  const rng = createRng(options.seed);
  const total = Math.round((records.length * rate) / (1 - rate));
  const where = placement(records);
  const attacks = episodes(rng, total, kinds, where, looksLikeFlows(records))
    .flatMap((e) => e.records.map((r) => ({ key: where.timed ? (r.timestamp as number) : e.key, r })))
    .sort((a, b) => a.key - b.key);
  return merge(records, attacks, where);
}

/** Benign records keep their order; each attack goes before the first benign record with a later key. */
function merge(
  benign: readonly TrafficRecord[],
  attacks: readonly { key: number; r: TrafficRecord }[],
  where: Placement,
): InjectedTraffic {
  const records: TrafficRecord[] = [];
  const labels = new Uint8Array(benign.length + attacks.length);
  let next = 0;
  const flushBefore = (key: number) => {
    for (; next < attacks.length && attacks[next].key < key; next++) {
      labels[records.length] = 1;
      records.push(attacks[next].r);
    }
  };
  benign.forEach((r, i) => {
    flushBefore(where.key(i));
    records.push({ ...r, label: NORMAL });
  });
  flushBefore(Infinity);
  return { records, labels };
}
