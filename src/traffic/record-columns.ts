import type { TrafficRecord } from '../records/traffic-record';

/**
 * One column of a RecordColumns batch. A column holds numbers, strings or both
 * (a CSV column can mix them row by row): `numbers[i]` is NaN where row i has no
 * number, `codes[i]` is 0 where it has no string and k for `dict[k - 1]`.
 */
export interface Column {
  name: string;
  /** A key of `attributes`, else a top-level record field. */
  attribute: boolean;
  numbers: Float64Array | null;
  codes: Uint32Array | null;
  dict: string[];
}

const FIELD = 'f:';
const ATTRIBUTE = 'a:';

/**
 * A batch of traffic records column by column: typed arrays instead of one
 * object per record. Dataset parsers write rows straight into it (no record
 * objects on the import path) and stored traffic is kept in this shape
 * (TrafficBlock). Rows are written cell by cell for the current row, then
 * ended or discarded.
 */
export class RecordColumns {
  readonly columns: Column[] = [];
  /** Complete rows. */
  rows = 0;
  private readonly byKey = new Map<string, number>();
  private readonly lookups: Map<string, number>[] = [];
  private capacity: number;

  /** `capacity`: rows the arrays are first made for; they grow when needed. */
  constructor(capacity = 256) {
    this.capacity = Math.max(1, capacity);
  }

  /** Index of a top-level field's column (created on first use). */
  field(name: string): number {
    return this.column(name, false);
  }

  /** Index of an attribute's column (created on first use). */
  attribute(name: string): number {
    return this.column(name, true);
  }

  /** A column if the batch has it. */
  find(name: string, attribute: boolean): Column | undefined {
    const col = this.byKey.get((attribute ? ATTRIBUTE : FIELD) + name);
    return col === undefined ? undefined : this.columns[col];
  }

  setNumber(col: number, value: number): void {
    if (this.rows === this.capacity) this.grow();
    const c = this.columns[col];
    c.numbers ??= new Float64Array(this.capacity).fill(NaN);
    c.numbers[this.rows] = value;
  }

  setString(col: number, value: string): void {
    if (this.rows === this.capacity) this.grow();
    const c = this.columns[col];
    c.codes ??= new Uint32Array(this.capacity);
    const lookup = this.lookups[col];
    let code = lookup.get(value);
    if (code === undefined) {
      c.dict.push(value);
      code = c.dict.length;
      lookup.set(value, code);
    }
    c.codes[this.rows] = code;
  }

  endRow(): void {
    this.rows++;
  }

  /** Blanks the current row again (rejected rows are rare: every column is reset, nothing is tracked per cell). */
  discardRow(): void {
    if (this.rows === this.capacity) return;
    for (const c of this.columns) {
      if (c.numbers) c.numbers[this.rows] = NaN;
      if (c.codes) c.codes[this.rows] = 0;
    }
  }

  static fromRecords(records: readonly TrafficRecord[]): RecordColumns {
    const out = new RecordColumns(records.length);
    // Records of one batch mostly share their keys: the last key list and its column indexes are reused.
    let fieldKeys: string[] = [];
    let fieldCols: number[] = [];
    let attrKeys: string[] = [];
    let attrCols: number[] = [];
    for (const r of records) {
      const keys = Object.keys(r);
      if (!sameKeys(keys, fieldKeys)) {
        fieldKeys = keys;
        fieldCols = keys.map((k) => (k === 'attributes' ? -1 : out.field(k)));
      }
      for (let j = 0; j < fieldKeys.length; j++) {
        if (fieldCols[j] >= 0) out.setValue(fieldCols[j], (r as Record<string, unknown>)[fieldKeys[j]], fieldKeys[j]);
      }
      const attrs = r.attributes;
      if (attrs !== undefined) {
        const names = Object.keys(attrs);
        if (!sameKeys(names, attrKeys)) {
          attrKeys = names;
          attrCols = names.map((k) => out.attribute(k));
        }
        for (let j = 0; j < attrKeys.length; j++) out.setValue(attrCols[j], attrs[attrKeys[j]], attrKeys[j]);
      }
      out.endRow();
    }
    return out;
  }

  /** The records again, equal to those written (absent values stay absent; NaN numbers are not stored). */
  toRecords(): TrafficRecord[] {
    const fields = this.columns.filter((c) => !c.attribute);
    const attrs = this.columns.filter((c) => c.attribute);
    const out: TrafficRecord[] = new Array(this.rows);
    for (let i = 0; i < this.rows; i++) {
      const r: Record<string, unknown> = {};
      for (const c of fields) {
        const v = cellOf(c, i);
        if (v !== undefined) r[c.name] = v;
      }
      if (attrs.length > 0) {
        const a: Record<string, number | string> = {};
        for (const c of attrs) {
          const v = cellOf(c, i);
          if (v !== undefined) a[c.name] = v;
        }
        r.attributes = a;
      }
      out[i] = r as TrafficRecord;
    }
    return out;
  }

  /** Column arrays cut to the rows written, for encoding. */
  trimmed(): Column[] {
    return this.columns.map((c) => ({
      ...c,
      numbers: c.numbers && c.numbers.subarray(0, this.rows),
      codes: c.codes && c.codes.subarray(0, this.rows),
    }));
  }

  /** A batch over columns read back (see block.codec.ts). */
  static of(rows: number, columns: Column[]): RecordColumns {
    const out = new RecordColumns(rows);
    for (const c of columns) {
      const col = out.column(c.name, c.attribute);
      Object.assign(out.columns[col], { numbers: c.numbers, codes: c.codes, dict: c.dict });
    }
    out.rows = rows;
    return out;
  }

  private setValue(col: number, v: unknown, key: string): void {
    if (typeof v === 'number') {
      if (!Number.isNaN(v)) this.setNumber(col, v);
    } else if (typeof v === 'string') {
      this.setString(col, v);
    } else if (v !== undefined) {
      throw new TypeError(`Cannot store ${typeof v} in record field "${key}": only numbers and strings`);
    }
  }

  private column(name: string, attribute: boolean): number {
    const key = (attribute ? ATTRIBUTE : FIELD) + name;
    let col = this.byKey.get(key);
    if (col === undefined) {
      col = this.columns.length;
      this.columns.push({ name, attribute, numbers: null, codes: null, dict: [] });
      this.lookups.push(new Map());
      this.byKey.set(key, col);
    }
    return col;
  }

  private grow(): void {
    this.capacity *= 2;
    for (const c of this.columns) {
      if (c.numbers) {
        const n = new Float64Array(this.capacity).fill(NaN);
        n.set(c.numbers);
        c.numbers = n;
      }
      if (c.codes) {
        const k = new Uint32Array(this.capacity);
        k.set(c.codes);
        c.codes = k;
      }
    }
  }
}

function cellOf(c: Column, i: number): number | string | undefined {
  if (c.codes !== null && c.codes[i] !== 0) return c.dict[c.codes[i] - 1];
  if (c.numbers !== null && !Number.isNaN(c.numbers[i])) return c.numbers[i];
  return undefined;
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
