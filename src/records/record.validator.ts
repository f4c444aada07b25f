import { isIP } from 'node:net';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { canonicalProtocol } from './protocol';
import type { TrafficRecord } from './traffic-record';

/** A record as it arrives from GraphQL, REST or a file, before validation. */
export interface RecordInput {
  timestamp?: Date | number | string | null;
  srcIp?: unknown;
  destIp?: unknown;
  srcPort?: unknown;
  destPort?: unknown;
  protocol?: unknown;
  packetSize?: unknown;
  duration?: unknown;
  bytesOut?: unknown;
  bytesIn?: unknown;
  packetsOut?: unknown;
  packetsIn?: unknown;
  connState?: unknown;
  service?: unknown;
  srcMac?: unknown;
  destMac?: unknown;
  tcpFlags?: unknown;
  history?: unknown;
  attributes?: unknown;
  label?: unknown;
}

export interface FieldProblem {
  index: number;
  field: string;
  message: string;
}

const MAX_PROBLEMS = 20;
const NUMERIC_FIELDS = ['packetSize', 'duration', 'bytesOut', 'bytesIn', 'packetsOut', 'packetsIn'] as const;
const STRING_FIELDS = ['connState', 'service', 'tcpFlags', 'history', 'label'] as const;
const MAC = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i;
const MAX_STRING = 256;
const MAX_ATTRIBUTES = 512;

class Collector {
  readonly problems: FieldProblem[] = [];
  add(index: number, field: string, message: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ index, field, message });
  }
}

/** Batch size check first: a too-large batch is refused before any per-record work. */
export function assertBatchSize(count: number, max: number): void {
  if (count > max) {
    throw new AppError(ErrorCode.BATCH_TOO_LARGE, `A batch may hold at most ${max} records; got ${count}.`, {
      max,
      count,
    });
  }
}

/**
 * Validates and normalises a batch. All-or-nothing: one bad record rejects the
 * whole batch (BAD_USER_INPUT naming record index and field), so nothing of a
 * bad request is ever stored.
 */
export function validateRecords(inputs: readonly RecordInput[], now = Date.now()): TrafficRecord[] {
  const c = new Collector();
  const out = inputs.map((input, i) => validateRecord(input, i, now, c));
  if (c.problems.length > 0) {
    const first = c.problems[0];
    throw new AppError(
      ErrorCode.BAD_USER_INPUT,
      `Record ${first.index}, field ${first.field}: ${first.message}`,
      { problems: c.problems, index: first.index, field: first.field },
    );
  }
  return out;
}

function validateRecord(input: RecordInput, i: number, now: number, c: Collector): TrafficRecord {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    c.add(i, 'record', 'must be an object');
    return {};
  }
  const r: TrafficRecord = { timestamp: timestampOf(input.timestamp, i, now, c) };
  ip(input.srcIp, 'srcIp', i, c, (v) => (r.srcIp = v));
  ip(input.destIp, 'destIp', i, c, (v) => (r.destIp = v));
  port(input.srcPort, 'srcPort', i, c, (v) => (r.srcPort = v));
  port(input.destPort, 'destPort', i, c, (v) => (r.destPort = v));
  if (input.protocol !== undefined && input.protocol !== null) {
    const p = typeof input.protocol === 'string' || typeof input.protocol === 'number' ? canonicalProtocol(input.protocol) : undefined;
    if (p === undefined) c.add(i, 'protocol', `unknown protocol ${JSON.stringify(input.protocol)}; use a name (TCP, UDP, ICMP, ...) or a number 0-255`);
    else r.protocol = p;
  }
  for (const f of NUMERIC_FIELDS) {
    const v = input[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) c.add(i, f, 'must be a finite number');
    else if (v < 0) c.add(i, f, 'must not be negative');
    else r[f] = v;
  }
  for (const f of STRING_FIELDS) {
    const v = input[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.length > MAX_STRING) c.add(i, f, `must be a string of at most ${MAX_STRING} characters`);
    else r[f] = v;
  }
  mac(input.srcMac, 'srcMac', i, c, (v) => (r.srcMac = v));
  mac(input.destMac, 'destMac', i, c, (v) => (r.destMac = v));
  if (input.attributes !== undefined && input.attributes !== null) r.attributes = attributes(input.attributes, i, c);
  return r;
}

function timestampOf(v: RecordInput['timestamp'], i: number, now: number, c: Collector): number {
  if (v === undefined || v === null) return now;
  const t = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(t)) {
    c.add(i, 'timestamp', 'must be an ISO-8601 date-time or epoch milliseconds');
    return now;
  }
  return t;
}

function ip(v: unknown, field: string, i: number, c: Collector, set: (v: string) => void): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'string' || isIP(v) === 0) c.add(i, field, `${JSON.stringify(v)} is not an IPv4 or IPv6 address`);
  else set(v);
}

function port(v: unknown, field: string, i: number, c: Collector, set: (v: number) => void): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) c.add(i, field, 'must be an integer port 0-65535');
  else set(v);
}

function mac(v: unknown, field: string, i: number, c: Collector, set: (v: string) => void): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'string' || !MAC.test(v)) c.add(i, field, 'must be a MAC address like 00:11:22:33:44:55');
  else set(v.toLowerCase().replace(/-/g, ':'));
}

function attributes(v: unknown, i: number, c: Collector): Record<string, number | string> | undefined {
  if (typeof v !== 'object' || Array.isArray(v) || v === null) {
    c.add(i, 'attributes', 'must be an object of named numbers or strings');
    return undefined;
  }
  const entries = Object.entries(v);
  if (entries.length > MAX_ATTRIBUTES) c.add(i, 'attributes', `at most ${MAX_ATTRIBUTES} attributes`);
  const out: Record<string, number | string> = {};
  for (const [key, value] of entries) {
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
    else if (typeof value === 'string' && value.length <= MAX_STRING) out[key] = value;
    else c.add(i, `attributes.${key}`, 'must be a finite number or a short string');
  }
  return out;
}
