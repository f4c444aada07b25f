import type { Column } from '../records/record-columns';
import type { RecordColumns } from '../records/record-columns';
import type { TrafficRecord } from '../records/traffic-record';
import { CategoryCounter } from './categorical.encoder';
import type { CategoricalFeatureSpec, CategoricalPairFeatureSpec } from './feature-spec.types';
import type { FieldDescription } from './feature.describers';
import { surprise, unseenFrequency } from './rarity';
import { categoryOf, sourceKey, stringReader, type StringReader } from './value-source';

/**
 * Rarity encoding of tabular categoricals: one column holding surprise() of
 * the value's training frequency (0 for a value every row had, about 4 for
 * one never seen in 10,000 rows), on the same scale as a robust z. A wide
 * one-hot block gives distance-based detectors one unit per mismatch whatever
 * the values' frequencies, and gives an isolation forest dozens of sparse
 * columns to waste splits on; one rarity column says what matters, how rare.
 */

/** Pair columns are formed among at most this many categorical attributes (28 pairs). */
const MAX_PAIR_COLUMNS = 8;
/** Pairs kept per column pair; rarer ones score as unseen. */
const MAX_PAIRS = 1024;
/** Distinct pairs tracked while fitting (a CategoryCounter budget). */
const MAX_TRACKED_PAIRS = 4096;
/** A pair seen once is kept as unseen: it says little more than "rare", and it bounds the spec. */
const MIN_PAIR_COUNT = 2;
const SEPARATOR = '\u0000';

function pairKey(a: string, b: string): string {
  return a + SEPARATOR + b;
}

/** Cell values of one rarity column: per value, for an unseen value, and for a missing one. */
interface RarityTable {
  cells: Map<string, number>;
  unseen: number;
  missing: number;
}

function missingCell(missing: number, rows: number): number {
  return surprise(missing > 0 ? missing / rows : unseenFrequency(rows));
}

function categoricalTable(def: CategoricalFeatureSpec): RarityTable {
  const rows = def.count + def.missing;
  const cells = new Map<string, number>();
  def.rare.forEach((v, i) => cells.set(v, surprise(def.rareCounts[i] / rows)));
  def.categories.forEach((v, i) => cells.set(v, surprise(def.counts[i] / rows)));
  return { cells, unseen: surprise(unseenFrequency(rows)), missing: missingCell(def.missing, rows) };
}

/** Writes a categorical attribute in rarity encoding: one cell per row, never left empty. */
export class RarityWriter {
  private readonly read: StringReader;
  private readonly table: RarityTable;

  constructor(
    def: CategoricalFeatureSpec,
    private readonly at: number,
  ) {
    this.read = stringReader(def.source);
    this.table = categoricalTable(def);
  }

  write(r: TrafficRecord, out: Float64Array, base: number): void {
    out[base + this.at] = this.cellOf(this.read(r));
  }

  /** Row i of a column batch's values goes to out[i * stride ..]; undefined = the batch lacks the column. */
  writeColumn(c: Column | undefined, rows: number, out: Float64Array, stride: number): void {
    const at = this.at;
    if (c === undefined) {
      for (let i = 0; i < rows; i++) out[i * stride + at] = this.table.missing;
      return;
    }
    const byCode = Float64Array.from({ length: c.dict.length + 1 }, (_, k) => (k === 0 ? 0 : this.cellOf(categoryOf(c.dict[k - 1]))));
    const { codes, numbers } = c;
    for (let i = 0; i < rows; i++) {
      out[i * stride + at] =
        codes !== null && codes[i] !== 0 ? byCode[codes[i]] : this.cellOf(numbers === null ? undefined : categoryOf(numbers[i]));
    }
  }

  private cellOf(v: string | undefined): number {
    if (v === undefined) return this.table.missing;
    return this.table.cells.get(v) ?? this.table.unseen;
  }
}

/** A rarity column, of a categorical attribute or of a pair of them. */
export function rarityColumnNames(def: CategoricalFeatureSpec | CategoricalPairFeatureSpec): string[] {
  return [`${def.key}:rarity`];
}

/**
 * Counts value pairs of a tabular record's categorical attributes while the
 * spec is fitted. Which attributes end up categorical is only known at
 * build(), so every attribute that has shown a string is tracked (the first
 * MAX_PAIR_COLUMNS of them, in order of appearance) and the pairs of those
 * that turn out numeric are dropped then.
 */
export class PairAccumulator {
  private readonly names: string[] = [];
  /** One per tracked pair (a < b), in (0,1), (0,2), (1,2), (0,3)... order. */
  private readonly counters: { a: number; b: number; counter: CategoryCounter; count: number }[] = [];
  private readonly values: (string | undefined)[] = [];

  /** `skip` names attributes never to pair (ground truth). */
  constructor(private readonly skip: (name: string) => boolean) {}

  add(attrs: Record<string, number | string>): void {
    if (this.names.length < MAX_PAIR_COLUMNS) {
      for (const name in attrs) if (typeof attrs[name] === 'string') this.track(name);
    }
    for (let i = 0; i < this.names.length; i++) this.values[i] = categoryOf(attrs[this.names[i]]);
    this.countValues();
  }

  /** The same as add() for each row of a column batch's attribute columns, in row order. */
  addColumns(columns: readonly Column[], rows: number): void {
    const byName = new Map(columns.map((c) => [c.name, c]));
    let tracked = this.names.map((name) => byName.get(name));
    for (let i = 0; i < rows; i++) {
      if (this.names.length < MAX_PAIR_COLUMNS) {
        const before = this.names.length;
        for (const c of columns) if (c.codes !== null && c.codes[i] !== 0) this.track(c.name);
        if (this.names.length > before) tracked = this.names.map((name) => byName.get(name));
      }
      for (let j = 0; j < tracked.length; j++) this.values[j] = cellValue(tracked[j], i);
      this.countValues();
    }
  }

  private countValues(): void {
    const { values, counters } = this;
    for (const p of counters) {
      const a = values[p.a];
      const b = values[p.b];
      if (a === undefined || b === undefined) continue;
      p.count++;
      p.counter.add(pairKey(a, b));
    }
  }

  /** Pair features of the attributes in `categorical` (those that ended up categorical), in tracking order. */
  build(categorical: ReadonlySet<string>, totalRows: number): CategoricalPairFeatureSpec[] {
    return this.counters
      .filter((p) => categorical.has(this.names[p.a]) && categorical.has(this.names[p.b]) && p.count > 0)
      .map((p) => {
        const names: [string, string] = [this.names[p.a], this.names[p.b]];
        const kept = p.counter
          .ranked()
          .filter(([, c]) => c >= MIN_PAIR_COUNT)
          .slice(0, MAX_PAIRS);
        return {
          type: 'categoricalPair' as const,
          key: sourceKey({ from: 'pair', names }),
          source: { from: 'pair' as const, names },
          count: p.count,
          missing: totalRows - p.count,
          pairs: kept.map(([k]) => k.split(SEPARATOR) as [string, string]),
          counts: kept.map(([, c]) => c),
        };
      });
  }

  private track(name: string): void {
    if (this.names.length >= MAX_PAIR_COLUMNS || this.names.includes(name) || this.skip(name)) return;
    const b = this.names.length;
    for (let a = 0; a < b; a++) this.counters.push({ a, b, counter: new CategoryCounter(MAX_TRACKED_PAIRS), count: 0 });
    this.names.push(name);
  }
}

function pairTable(def: CategoricalPairFeatureSpec): RarityTable {
  const rows = def.count + def.missing;
  const cells = new Map<string, number>();
  def.pairs.forEach(([a, b], i) => cells.set(pairKey(a, b), surprise(def.counts[i] / rows)));
  return { cells, unseen: surprise(unseenFrequency(rows)), missing: missingCell(def.missing, rows) };
}

export class PairWriter {
  private readonly table: RarityTable;
  private readonly names: [string, string];

  constructor(
    def: CategoricalPairFeatureSpec,
    private readonly at: number,
  ) {
    this.table = pairTable(def);
    this.names = def.source.names;
  }

  write(r: TrafficRecord, out: Float64Array, base: number): void {
    const attrs = r.attributes;
    out[base + this.at] = this.cellOf(categoryOf(attrs?.[this.names[0]]), categoryOf(attrs?.[this.names[1]]));
  }

  writeColumns(batch: RecordColumns, rows: number, out: Float64Array, stride: number): void {
    const a = batch.find(this.names[0], true);
    const b = batch.find(this.names[1], true);
    for (let i = 0; i < rows; i++) out[i * stride + this.at] = this.cellOf(cellValue(a, i), cellValue(b, i));
  }

  private cellOf(a: string | undefined, b: string | undefined): number {
    if (a === undefined || b === undefined) return this.table.missing;
    return this.table.cells.get(pairKey(a, b)) ?? this.table.unseen;
  }
}

function cellValue(c: Column | undefined, i: number): string | undefined {
  if (c === undefined) return undefined;
  if (c.codes !== null && c.codes[i] !== 0) return categoryOf(c.dict[c.codes[i] - 1]);
  return c.numbers === null ? undefined : categoryOf(c.numbers[i]);
}

/** "service pop_3 with flag SF: 12 of 14157 training records (typical: http with SF, private with S0)". */
export function describePair(def: CategoricalPairFeatureSpec, record: TrafficRecord, rows: number): FieldDescription {
  const [nameA, nameB] = def.source.names;
  const common = def.pairs.filter((_, i) => i === 0 || def.counts[i] >= 0.05 * def.count).slice(0, 3);
  const typical = common.map(([a, b]) => `${a} with ${b}`).join(', ') || 'none';
  const a = categoryOf(record.attributes?.[nameA]);
  const b = categoryOf(record.attributes?.[nameB]);
  if (a === undefined || b === undefined) {
    const p = def.missing / rows;
    const history = def.missing > 0 ? `; that was so in ${def.missing} of ${rows} training records` : '; that never happened in training';
    return { value: 'missing', typical, message: `${nameA} or ${nameB} is missing${history}`, deviation: surprise(def.missing > 0 ? p : unseenFrequency(rows)) };
  }
  const value = `${a}, ${b}`;
  const at = def.pairs.findIndex(([x, y]) => x === a && y === b);
  if (at < 0) {
    const message = `${nameA} ${a} with ${nameB} ${b}: this pair was never or almost never seen in training (typical: ${typical})`;
    return { value, typical, message, deviation: surprise(unseenFrequency(rows)) };
  }
  const seen = def.counts[at];
  const p = seen / rows;
  const message =
    p >= 0.05
      ? `${nameA} ${a} with ${nameB} ${b} is common (${Math.round(100 * p)}% of training)`
      : `${nameA} ${a} with ${nameB} ${b} is rare as a pair: ${seen} of ${rows} training records (typical: ${typical})`;
  return { value, typical, message, deviation: surprise(p) };
}
