import { TrafficRecord } from '../records/traffic-record';
import { countReason } from './capture.types';
import { splitLines } from './line-splitter';

export interface ZeekReadStats {
  /** Data lines seen (headers and blank lines excluded). */
  lines: number;
  records: number;
  /** Skipped lines by reason. */
  malformed: Record<string, number>;
}

export interface ZeekReadOptions {
  /** Filled while reading: pass one in to see the counters. */
  stats?: ZeekReadStats;
  /** Column that becomes `label`; by default the first of label, detailedlabel, detailed-label that exists. */
  labelColumn?: string;
}

export function createZeekReadStats(): ZeekReadStats {
  return { lines: 0, records: 0, malformed: {} };
}

/** Longer lines are not conn.log lines; dropping them bounds memory. */
const MAX_LINE_LENGTH = 1024 * 1024;
const LABEL_COLUMNS = ['label', 'detailedlabel', 'detailed-label'];

/** One field getter per line format: the raw value of a column, undefined when absent or unset. */
type FieldReader = (name: string) => string | number | undefined;

interface TsvHeader {
  separator: string;
  emptyField: string;
  unsetField: string;
  columns: Map<string, number>;
  fieldCount: number;
}

/**
 * Streams a Zeek conn.log, TSV (with its `#separator` / `#fields` headers, as
 * many header blocks as concatenated logs have) or JSON lines, into flow
 * TrafficRecords. Extra IP byte counts go to attributes (`orig_ip_bytes`,
 * `resp_ip_bytes`, the same columns capture flows have); a label column goes
 * to `label` and nowhere else. Bad lines are counted and skipped.
 */
export async function* readZeekConnLog(
  source: AsyncIterable<Uint8Array>, options: ZeekReadOptions = {},
): AsyncGenerator<TrafficRecord> {
  const stats = options.stats ?? createZeekReadStats();
  let header: TsvHeader | undefined;
  for await (const lines of splitLines(source, MAX_LINE_LENGTH, () => countReason(stats.malformed, 'line_too_long'))) {
    for (const line of lines) {
      if (line.length === 0) continue;
      if (line.startsWith('#')) {
        header = readHeaderLine(line, header);
        continue;
      }
      stats.lines++;
      const fields = line.startsWith('{') ? jsonFields(line) : tsvFields(line, header);
      const record = typeof fields === 'string' ? fields : toRecord(fields, options.labelColumn);
      if (typeof record === 'string') {
        countReason(stats.malformed, record);
        continue;
      }
      stats.records++;
      yield record;
    }
  }
}

function readHeaderLine(line: string, previous: TsvHeader | undefined): TsvHeader {
  const header = previous ?? { separator: '\t', emptyField: '(empty)', unsetField: '-', columns: new Map(), fieldCount: 0 };
  if (line.startsWith('#separator ')) {
    header.separator = unescapeZeek(line.slice('#separator '.length));
    return header;
  }
  const [directive, ...values] = line.split(header.separator);
  if (directive === '#empty_field') header.emptyField = values[0] ?? header.emptyField;
  if (directive === '#unset_field') header.unsetField = values[0] ?? header.unsetField;
  if (directive === '#fields') {
    // IoT-23's relabelled logs separate their last columns with spaces instead of tabs.
    const names = values.flatMap((name) => name.trim().split(/\s+/));
    header.columns = new Map(names.map((name, i) => [name, i]));
    header.fieldCount = names.length;
  }
  return header;
}

function tsvFields(line: string, header: TsvHeader | undefined): FieldReader | string {
  if (!header || header.fieldCount === 0) return 'no_fields_header';
  let values = line.split(header.separator);
  if (values.length !== header.fieldCount && line.includes('   ')) values = line.split(/\t| {3,}/);
  if (values.length !== header.fieldCount) return 'field_count';
  return (name) => {
    const index = header.columns.get(name);
    if (index === undefined) return undefined;
    const value = values[index];
    if (value === header.unsetField) return undefined;
    if (value === header.emptyField) return '';
    return value.includes('\\x') ? unescapeZeek(value) : value;
  };
}

function jsonFields(line: string): FieldReader | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return 'bad_json';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'bad_json';
  const object = parsed as Record<string, unknown>;
  return (name) => {
    // Zeek writes dotted keys ("id.orig_h"); some exporters nest them ({"id": {"orig_h": ...}}).
    let value = object[name];
    if (value === undefined && name.startsWith('id.')) value = (object.id as Record<string, unknown> | undefined)?.[name.slice(3)];
    if (value === null || value === undefined) return undefined;
    return typeof value === 'number' ? value : String(value);
  };
}

function toRecord(field: FieldReader, labelColumn: string | undefined): TrafficRecord | string {
  const timestamp = timestampMs(field('ts'));
  const srcIp = field('id.orig_h');
  const destIp = field('id.resp_h');
  if (timestamp === undefined) return 'bad_timestamp';
  if (typeof srcIp !== 'string' || typeof destIp !== 'string' || srcIp === '' || destIp === '') return 'bad_address';
  const proto = String(field('proto') ?? '').toUpperCase();
  const origIpBytes = numberField(field('orig_ip_bytes'));
  const respIpBytes = numberField(field('resp_ip_bytes'));
  return {
    timestamp,
    srcIp,
    destIp,
    srcPort: numberField(field('id.orig_p')),
    destPort: numberField(field('id.resp_p')),
    // Zeek logs ICMPv6 as "icmp"; capture flows call it ICMPV6.
    protocol: proto === 'ICMP' && srcIp.includes(':') ? 'ICMPV6' : proto || undefined,
    duration: numberField(field('duration')),
    bytesOut: numberField(field('orig_bytes')),
    bytesIn: numberField(field('resp_bytes')),
    packetsOut: numberField(field('orig_pkts')),
    packetsIn: numberField(field('resp_pkts')),
    connState: stringField(field('conn_state')),
    service: stringField(field('service')),
    history: stringField(field('history')),
    attributes: origIpBytes !== undefined && respIpBytes !== undefined
      ? { orig_ip_bytes: origIpBytes, resp_ip_bytes: respIpBytes }
      : undefined,
    label: labelOf(field, labelColumn),
  };
}

function labelOf(field: FieldReader, labelColumn: string | undefined): string | undefined {
  for (const column of labelColumn ? [labelColumn] : LABEL_COLUMNS) {
    const value = stringField(field(column));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Zeek `time` values: epoch seconds, or ISO 8601 when the JSON writer was set to it. */
function timestampMs(value: string | number | undefined): number | undefined {
  if (typeof value === 'number') return value * 1000;
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function numberField(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function stringField(value: string | number | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  return String(value);
}

/** Zeek escapes separators and non-printable bytes in values as \xHH. */
function unescapeZeek(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
