import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { RecordColumns } from '../records/record-columns';
import { MAX_ATTRIBUTES, MAX_STRING, cellValue } from './cell';
import { splitCsv } from './csv-fields';
import { UNTERMINATED, type Rejection, type RowParser } from './row-parser';

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
  /** Per header position, the batch column of an attribute (-1 for the others). */
  private columns: number[] = [];
  private labelColumn = -1;
  private timeColumn = -1;

  constructor(private readonly options: CsvOptions = {}) {}

  header(text: string): boolean {
    const fields = splitCsv(text);
    if (fields === undefined) return false;
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
    return true;
  }

  newBatch(capacity: number): RecordColumns {
    const batch = new RecordColumns(capacity);
    // Attributes first, in header order: the feature spec keeps a tabular profile's columns in file order.
    this.columns = this.roles.map((role, i) => (role === 'attribute' ? batch.attribute(this.names[i]) : -1));
    this.labelColumn = batch.field('label');
    this.timeColumn = batch.field('timestamp');
    return batch;
  }

  row(text: string, now: number, out: RecordColumns): Rejection | undefined {
    const fields = splitCsv(text);
    if (fields === undefined) return UNTERMINATED;
    if (fields.length !== this.names.length) {
      return { reason: `wrong number of fields (expected ${this.names.length})`, detail: `got ${fields.length}` };
    }
    let timestamp = now;
    for (let i = 0; i < fields.length; i++) {
      const role = this.roles[i];
      if (role === 'drop') continue;
      if (role === 'label') {
        const label = fields[i].trim();
        if (label.length > MAX_STRING) return { reason: `label longer than ${MAX_STRING} characters` };
        if (label !== '') out.setString(this.labelColumn, label);
        continue;
      }
      if (role === 'time') {
        const t = parseTime(fields[i]);
        if (t === undefined) return { reason: 'unreadable time', detail: JSON.stringify(fields[i]) };
        timestamp = t;
        continue;
      }
      const v = cellValue(fields[i]);
      if (v === undefined) continue;
      if (typeof v === 'number') {
        out.setNumber(this.columns[i], v);
        continue;
      }
      if (v.length > MAX_STRING) {
        return { reason: `value longer than ${MAX_STRING} characters`, detail: `column ${this.names[i]}` };
      }
      out.setString(this.columns[i], v);
    }
    out.setNumber(this.timeColumn, timestamp);
    return undefined;
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
