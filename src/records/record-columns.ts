import { attributeRowOf, type AttributeLayout, type AttributeRow } from './attribute-row';
import type { TrafficRecord } from './traffic-record';

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
/** Fields that no feature reads: a batch with no other field needs no per-record work for field features. */
const NON_FEATURE_FIELDS = new Set(['timestamp', 'label']);

/** Row i of a column as a record carries it: its string, else its number, else absent. */
export function cellOf(c: Column, i: number): number | string | undefined {
  if (c.codes !== null && c.codes[i] !== 0) return c.dict[c.codes[i] - 1];
  if (c.numbers !== null && !Number.isNaN(c.numbers[i])) return c.numbers[i];
  return undefined;
}

/**
 * A batch of traffic records column by column: typed arrays instead of one
 * object per record. Dataset parsers write rows straight into it, stored
 * traffic is kept in this shape (TrafficBlock), and training reads it back so
 * (no object per record on either path). A row is written cell by cell at
 * index `rows`, then ended or discarded.
 */
export class RecordColumns {
  readonly columns: Column[] = [];
  /** Complete rows. */
  rows = 0;
  private readonly byKey = new Map<string, number>();
  /** string → code per column, built on the first write of a string to it. */
  private readonly lookups: (Map<string, number> | undefined)[] = [];
  private capacity: number;
  /** copyRow's column and code mapping for the batch it last copied from. */
  private copyMap: { from: RecordColumns; cols: number[]; codes: Int32Array[] } | undefined;

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

  /** Whether some row has a field that field features read (an address, a port, a size...), not only attributes. */
  hasFeatureFields(): boolean {
    return this.columns.some((c) => !c.attribute && !NON_FEATURE_FIELDS.has(c.name) && (c.numbers !== null || c.codes !== null));
  }

  setNumber(col: number, value: number): void {
    if (this.rows === this.capacity) this.grow();
    this.numbersOf(this.columns[col])[this.rows] = value;
  }

  setString(col: number, value: string): void {
    if (this.rows === this.capacity) this.grow();
    this.codesOf(this.columns[col])[this.rows] = this.code(col, value);
  }

  endRow(): void {
    this.rows++;
  }

  /** Blanks the current row again (rejected rows are rare: every column is reset, nothing is tracked per cell). */
  discardRow(): void {
    if (this.rows < this.capacity) this.blank(this.rows);
  }

  /**
   * Copies row `row` of another batch into row `to` of this one: appended when
   * `to` is `rows`, else replacing that row whole (a reservoir sample). The
   * other batch must not change while rows are copied from it.
   */
  copyRow(from: RecordColumns, row: number, to = this.rows): void {
    if (to === this.rows && this.rows === this.capacity) this.grow();
    const map = this.mappingFrom(from);
    if (to < this.rows) this.blank(to);
    for (let c = 0; c < from.columns.length; c++) {
      const src = from.columns[c];
      const col = map.cols[c];
      if (src.numbers !== null) {
        const v = src.numbers[row];
        if (!Number.isNaN(v)) this.numbersOf(this.columns[col])[to] = v;
      }
      if (src.codes !== null && src.codes[row] !== 0) {
        const k = src.codes[row];
        let code = map.codes[c][k];
        if (code === 0) code = map.codes[c][k] = this.code(col, src.dict[k - 1]);
        this.codesOf(this.columns[col])[to] = code;
      }
    }
    if (to === this.rows) this.rows++;
  }

  /** Rows [start, end), sharing this batch's arrays. */
  slice(start: number, end = this.rows): RecordColumns {
    const n = Math.max(0, Math.min(end, this.rows) - start);
    return RecordColumns.of(
      n,
      this.columns.map((c) => ({ ...c, numbers: c.numbers && c.numbers.subarray(start, start + n), codes: c.codes && c.codes.subarray(start, start + n), dict: [...c.dict] })),
    );
  }

  /** The rows for which `keep` is true, in order. */
  filter(keep: (row: number) => boolean): RecordColumns {
    const rows: number[] = [];
    for (let i = 0; i < this.rows; i++) if (keep(i)) rows.push(i);
    if (rows.length === this.rows) return this;
    return RecordColumns.of(
      rows.length,
      this.columns.map((c) => ({
        ...c,
        numbers: c.numbers && Float64Array.from(rows, (i) => c.numbers![i]),
        codes: c.codes && Uint32Array.from(rows, (i) => c.codes![i]),
        dict: [...c.dict],
      })),
    );
  }

  /** The batches' rows one after the other, column by column (string codes remapped to one dictionary). */
  static concat(parts: readonly RecordColumns[]): RecordColumns {
    if (parts.length === 1) return parts[0];
    const total = parts.reduce((n, p) => n + p.rows, 0);
    const out = new RecordColumns(total);
    let offset = 0;
    for (const part of parts) {
      for (let c = 0; c < part.columns.length; c++) {
        const src = part.columns[c];
        const col = out.column(src.name, src.attribute);
        const dst = out.columns[col];
        if (src.numbers !== null) out.numbersOf(dst).set(src.numbers.subarray(0, part.rows), offset);
        if (src.codes !== null) {
          const codes = out.codesOf(dst);
          const remap = src.dict.map((s) => out.code(col, s));
          for (let i = 0; i < part.rows; i++) if (src.codes[i] !== 0) codes[offset + i] = remap[src.codes[i] - 1];
        }
      }
      offset += part.rows;
    }
    out.rows = total;
    return out;
  }

  static fromRecords(records: readonly TrafficRecord[]): RecordColumns {
    const out = new RecordColumns(records.length);
    // Records of one batch mostly share their keys: the last key list and its column indexes are reused.
    let fieldKeys: string[] = [];
    let fieldCols: number[] = [];
    let attrKeys: string[] = [];
    let attrCols: number[] = [];
    const rows = new RowColumns();
    for (const r of records) {
      const keys = Object.keys(r);
      if (!sameKeys(keys, fieldKeys)) {
        fieldKeys = keys;
        fieldCols = keys.map((k) => (k === 'attributes' ? -1 : out.field(k)));
      }
      for (let j = 0; j < fieldKeys.length; j++) {
        if (fieldCols[j] >= 0) out.setValue(fieldCols[j], (r as Record<string, unknown>)[fieldKeys[j]], fieldKeys[j]);
      }
      const row = attributeRowOf(r.attributes);
      if (row !== undefined) rows.write(row, out);
      const attrs = row === undefined ? r.attributes : row.own;
      if (attrs !== undefined) {
        const names = Object.keys(attrs);
        if (!sameKeys(names, attrKeys)) {
          attrKeys = names;
          attrCols = names.map((k) => out.attribute(k));
        }
        for (let j = 0; j < attrKeys.length; j++) out.setValue(attrCols[j], attrs[attrKeys[j]], attrKeys[j]);
      }
      if (row !== undefined) rows.writeLast(row, out);
      out.endRow();
    }
    return out;
  }

  /**
   * The records again, equal to those written (absent values stay absent; NaN
   * is not stored). Without attributes: only the top-level fields, for the
   * features that read them.
   */
  toRecords(options: { attributes?: boolean } = {}): TrafficRecord[] {
    const fields = this.columns.filter((c) => !c.attribute);
    const attrs = options.attributes === false ? [] : this.columns.filter((c) => c.attribute);
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

  /** A batch over existing column arrays (each `rows` long). */
  static of(rows: number, columns: readonly Column[]): RecordColumns {
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
      this.lookups.push(undefined);
      this.byKey.set(key, col);
    }
    return col;
  }

  private code(col: number, value: string): number {
    const c = this.columns[col];
    let lookup = this.lookups[col];
    if (lookup === undefined) {
      lookup = new Map(c.dict.map((s, i) => [s, i + 1]));
      this.lookups[col] = lookup;
    }
    let code = lookup.get(value);
    if (code === undefined) {
      c.dict.push(value);
      code = c.dict.length;
      lookup.set(value, code);
    }
    return code;
  }

  private numbersOf(c: Column): Float64Array {
    c.numbers ??= new Float64Array(this.capacity).fill(NaN);
    return c.numbers;
  }

  private codesOf(c: Column): Uint32Array {
    c.codes ??= new Uint32Array(this.capacity);
    return c.codes;
  }

  private blank(row: number): void {
    for (const c of this.columns) {
      if (c.numbers) c.numbers[row] = NaN;
      if (c.codes) c.codes[row] = 0;
    }
  }

  private mappingFrom(from: RecordColumns): { cols: number[]; codes: Int32Array[] } {
    if (this.copyMap?.from !== from) {
      this.copyMap = {
        from,
        cols: from.columns.map((c) => this.column(c.name, c.attribute)),
        codes: from.columns.map((c) => new Int32Array(c.dict.length + 1)),
      };
    }
    return this.copyMap;
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

/**
 * Writes attributes that are still a row (see attribute-row.ts) without
 * building them: the layout's values, in the columns their names would
 * get, made in the same order as for the built object (named values, own
 * attributes, then the `last` ones when set).
 */
class RowColumns {
  private layout: AttributeLayout | undefined;
  private cols = new Int32Array(0);

  write(row: AttributeRow, out: RecordColumns): void {
    const { layout, values, at } = row;
    if (layout !== this.layout) {
      this.layout = layout;
      this.cols = new Int32Array(layout.names.length).fill(-1);
    }
    for (let j = 0; j < layout.fixed; j++) this.set(j, values[at + j], out);
  }

  writeLast(row: AttributeRow, out: RecordColumns): void {
    const { layout, values, at } = row;
    for (let j = layout.fixed; j < layout.names.length; j++) {
      const v = values[at + j];
      if (v === v) this.set(j, v, out);
    }
  }

  /** The column is made even for NaN, as a built object has the name (a missing number stays unset). */
  private set(j: number, v: number, out: RecordColumns): void {
    if (this.cols[j] < 0) this.cols[j] = out.attribute((this.layout as AttributeLayout).names[j]);
    if (v === v) out.setNumber(this.cols[j], v);
  }
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
