import type { TrafficRecord } from '../records/traffic-record';
import type { PortFeatureSpec, PortField } from './feature-spec.types';
import { hashString } from './hash';

export const PORT_COUNT = 65536;
export const PORT_BITSET_BYTES = PORT_COUNT / 8;

export interface PortOptions {
  maxPorts: number;
  minFrequency: number;
  minCount: number;
}

/** 0 well-known (0–1023), 1 registered (1024–49151), 2 ephemeral (49152–65535). */
export function portClass(port: number): 0 | 1 | 2 {
  return port < 1024 ? 0 : port < 49152 ? 1 : 2;
}

/** NaN for anything that is not an integer port: it is treated as missing rather than clamped into a class. */
export function readPort(r: TrafficRecord, field: PortField): number {
  const p = r[field];
  return typeof p === 'number' && (p | 0) === p && p >= 0 && p < PORT_COUNT ? p : NaN;
}

/**
 * A port needs this many distinct conversations to get its own column. One
 * long download would otherwise make its client's ephemeral port "frequent"
 * and push real service ports out of the capped list.
 */
const MIN_CONVERSATIONS = 3;

/** Identifies the conversation a port is used in: everything in the 5-tuple except the port itself. */
function conversationKey(r: TrafficRecord, field: PortField): number {
  const other = field === 'srcPort' ? r.destPort : r.srcPort;
  return hashString(`${r.srcIp}|${r.destIp}|${other}|${r.protocol}`) | 0;
}

/**
 * Exact per-port counts: 256 KiB per field is cheap and lets the spec keep
 * the full "seen" set. Conversations are estimated by counting how often the
 * rest of the 5-tuple changes between packets on the same port.
 */
export class PortAccumulator {
  private readonly counts = new Uint32Array(PORT_COUNT);
  private readonly conversations = new Uint32Array(PORT_COUNT);
  private readonly lastConversation = new Int32Array(PORT_COUNT);
  count = 0;

  constructor(
    readonly field: PortField,
    private readonly options: PortOptions,
  ) {}

  add(r: TrafficRecord): void {
    const p = readPort(r, this.field);
    if (p !== p) return;
    this.count++;
    this.counts[p]++;
    const conversation = conversationKey(r, this.field);
    if (this.counts[p] === 1 || this.lastConversation[p] !== conversation) {
      this.lastConversation[p] = conversation;
      this.conversations[p]++;
    }
  }

  build(totalRows: number): PortFeatureSpec | null {
    if (this.count === 0) return null;
    const top = this.topPorts();
    const classCounts: [number, number, number] = [0, 0, 0];
    const classSingletons: [number, number, number] = [0, 0, 0];
    const seen = new Uint8Array(PORT_BITSET_BYTES);
    for (let p = 0; p < PORT_COUNT; p++) {
      const c = this.counts[p];
      if (c === 0) continue;
      const k = portClass(p);
      classCounts[k] += c;
      if (c === 1) classSingletons[k]++;
      seen[p >> 3] |= 1 << (p & 7);
    }
    return {
      type: 'port',
      key: this.field,
      source: { from: 'field', name: this.field },
      count: this.count,
      missing: totalRows - this.count,
      ports: top.map((p) => p),
      counts: top.map((p) => this.counts[p]),
      classCounts,
      classSingletons,
      seen: Buffer.from(seen).toString('base64'),
    };
  }

  private topPorts(): number[] {
    const threshold = Math.max(this.options.minCount, this.options.minFrequency * this.count);
    const candidates: number[] = [];
    for (let p = 0; p < PORT_COUNT; p++) {
      if (this.counts[p] >= threshold && this.conversations[p] >= MIN_CONVERSATIONS) candidates.push(p);
    }
    candidates.sort((a, b) => this.counts[b] - this.counts[a] || a - b);
    return candidates.slice(0, this.options.maxPorts);
  }
}

export function decodeSeenPorts(def: PortFeatureSpec): Uint8Array {
  return new Uint8Array(Buffer.from(def.seen, 'base64'));
}

export function portSeen(seen: Uint8Array, port: number): boolean {
  return (seen[port >> 3] & (1 << (port & 7))) !== 0;
}


export function portColumnNames(def: PortFeatureSpec): string[] {
  const names = [`${def.key}:well-known`, `${def.key}:registered`, `${def.key}:ephemeral`];
  for (const p of def.ports) names.push(`${def.key}=${p}`);
  if (def.missing > 0) names.push(`${def.key}:missing`);
  return names;
}

/** The class column is always lit; a frequent port additionally lights its own column. */
export class PortWriter {
  private readonly field: PortField;
  /** port → absolute column of its exact one-hot, -1 when it has none. */
  private readonly exact = new Int32Array(PORT_COUNT).fill(-1);
  private readonly missingAt: number;

  constructor(
    def: PortFeatureSpec,
    private readonly at: number,
  ) {
    this.field = def.key;
    def.ports.forEach((p, i) => (this.exact[p] = at + 3 + i));
    this.missingAt = def.missing > 0 ? at + 3 + def.ports.length : -1;
  }

  write(r: TrafficRecord, out: Float64Array, base: number): void {
    const p = r[this.field];
    if (typeof p !== 'number' || (p | 0) !== p || p < 0 || p >= PORT_COUNT) {
      if (this.missingAt >= 0) out[base + this.missingAt] = 1;
      return;
    }
    out[base + this.at + (p < 1024 ? 0 : p < 49152 ? 1 : 2)] = 1;
    const col = this.exact[p];
    if (col >= 0) out[base + col] = 1;
  }
}
