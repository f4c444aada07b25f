import type { Rng } from '../util/random';

/** One packet of a conversation, relative to the conversation's start. */
export interface SessionPacket {
  /** Milliseconds after the session start. */
  at: number;
  /** true: client → server; false: server → client. */
  out: boolean;
  /** IP length in bytes. */
  size: number;
}

/**
 * One conversation between a client and a server. It is the unit the
 * generator schedules: packet profiles emit its packets, flow profiles
 * summarize it into one Zeek-like conn record, so both kinds describe the
 * same hosts and services.
 */
export interface Session {
  start: number;
  client: string;
  server: string;
  /** Undefined for ICMP. */
  clientPort?: number;
  serverPort?: number;
  protocol: 'TCP' | 'UDP' | 'ICMP';
  /** Zeek service name where Zeek would recognize one. */
  service?: string;
  /** Zeek conn_state. */
  connState: string;
  packets: SessionPacket[];
}

/**
 * Builds the packet list of a session with realistic spacing: replies come
 * half a round trip later, back-to-back segments a fraction of a millisecond
 * apart.
 */
export class PacketTrain {
  readonly packets: SessionPacket[] = [];
  private t = 0;

  constructor(
    private readonly rng: Rng,
    /** Round-trip time in ms: ~1 on the LAN, 10–80 to the Internet. */
    private readonly rttMs: number,
  ) {}

  /** A packet after `gapMs` (default: right away). */
  send(out: boolean, size: number, gapMs = 0): this {
    this.t += gapMs;
    this.packets.push({ at: round3(this.t), out, size: Math.round(size) });
    return this;
  }

  /** A packet answering the previous one, half a round trip later. */
  reply(out: boolean, size: number): this {
    return this.send(out, size, (this.rttMs / 2) * (0.8 + 0.4 * this.rng.next()));
  }

  /** Back-to-back segments, e.g. a server pushing a response at line rate. */
  burst(out: boolean, n: number, size: () => number, gapMs = 0.12): this {
    if (n > 0) this.reply(out, size());
    for (let i = 1; i < n; i++) this.send(out, size(), gapMs * (0.5 + this.rng.next()));
    return this;
  }

  /** Client think time between requests. */
  pause(ms: number): this {
    this.t += ms;
    return this;
  }
}

export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** Integer uniform in [lo, hi]. */
export function between(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

/** Index drawn with probability proportional to its weight. */
export function weightedIndex(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let x = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** Exponential inter-arrival time with the given mean: Poisson-like session starts. */
export function exponential(rng: Rng, mean: number): number {
  return -Math.log(1 - rng.next()) * mean;
}
