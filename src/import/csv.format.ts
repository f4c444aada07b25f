import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { TrafficRecord } from '../records/traffic-record';
import { MAX_ATTRIBUTES, MAX_STRING, cellValue } from './cell';
import type { Rejection, RowParser } from './row-parser';

export interface CsvOptions {
  /** Ground truth: kept out of the features, stored as the record's label for metrics. */
  labelColumn?: string;
  /** Identifiers and other columns that must not become features. */
  dropColumns?: readonly string[];
  /** Record time (ISO-8601, or epoch seconds / milliseconds); default: the time of the import. */
  timeColumn?: string;
}

type Role = 'attribute' | 'label' | 'time' | 'drop';

/** Epoch values below this are seconds (it is 5138 AD in seconds, 1973 in milliseconds). */
const SECONDS_BELOW = 1e11;

/** A CSV file with a header row: every kept column becomes a named attribute of a tabular record. */
export class CsvRowParser implements RowParser {
  readonly hasHeader = true;
  private names: string[] = [];
  private roles: Role[] = [];

  constructor(private readonly options: CsvOptions = {}) {}

  header(fields: string[]): void {
    this.names = fields.map((f, i) => f.trim() || `column_${i + 1}`);
    const seen = new Set<string>();
    for (const n of this.names) {
      if (seen.has(n)) throw badOption(`the header names column "${n}" twice`);
      seen.add(n);
    }
    const { labelColumn, timeColumn, dropColumns = [] } = this.options;
    for (const [option, name] of [['--label-column', labelColumn], ['--time-column', timeColumn], ...dropColumns.map((d) => ['--drop-columns', d])]) {
      if (name !== undefined && !seen.has(name)) throw badOption(`${option}: no column "${name}" in the header (${this.names.join(', ')})`);
    }
    const dropped = new Set(dropColumns);
    this.roles = this.names.map((n) => (n === labelColumn ? 'label' : n === timeColumn ? 'time' : dropped.has(n) ? 'drop' : 'attribute'));
    if (this.roles.filter((r) => r === 'attribute').length > MAX_ATTRIBUTES) {
      throw badOption(`more than ${MAX_ATTRIBUTES} feature columns; drop some with --drop-columns`);
    }
  }

  row(fields: string[], now: number): TrafficRecord | Rejection {
    if (fields.length !== this.names.length) {
      return { reason: `wrong number of fields (expected ${this.names.length})`, detail: `got ${fields.length}` };
    }
    const attributes: Record<string, number | string> = {};
    const record: TrafficRecord = { timestamp: now, attributes };
    for (let i = 0; i < fields.length; i++) {
      const role = this.roles[i];
      if (role === 'drop') continue;
      if (role === 'label') {
        const label = fields[i].trim();
        if (label.length > MAX_STRING) return { reason: `label longer than ${MAX_STRING} characters` };
        if (label !== '') record.label = label;
        continue;
      }
      if (role === 'time') {
        const t = parseTime(fields[i]);
        if (t === undefined) return { reason: 'unreadable time', detail: JSON.stringify(fields[i]) };
        record.timestamp = t;
        continue;
      }
      const v = cellValue(fields[i]);
      if (v === undefined) continue;
      if (typeof v === 'string' && v.length > MAX_STRING) {
        return { reason: `value longer than ${MAX_STRING} characters`, detail: `column ${this.names[i]}` };
      }
      attributes[this.names[i]] = v;
    }
    return record;
  }
}

function parseTime(raw: string): number | undefined {
  const v = raw.trim();
  const n = Number(v);
  if (v !== '' && Number.isFinite(n)) return n < SECONDS_BELOW ? n * 1000 : n;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

function badOption(message: string): AppError {
  return new AppError(ErrorCode.BAD_USER_INPUT, message);
}
