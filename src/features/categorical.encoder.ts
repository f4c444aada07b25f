import type { Column } from '../records/record-columns';
import type { TrafficRecord } from '../records/traffic-record';
import type { CategoricalFeatureSpec, CategoricalSource } from './feature-spec.types';
import { categoryOf, sourceKey, stringReader, type StringReader } from './value-source';

export interface CategoryOptions {
  maxCategories: number;
  minFrequency: number;
  minCount: number;
  maxRare: number;
  /** Distinct values tracked while fitting; beyond it the least frequent are forgotten. */
  maxTracked: number;
}

/**
 * Counts values in bounded memory. High-cardinality columns (IDs, hosts)
 * would otherwise grow without limit; when the map doubles past its budget
 * the least frequent half is dropped (frequent values survive, which is all
 * the one-hot columns need). Pruning depends only on the value sequence, so
 * chunking the stream differently gives the same counts.
 */
export class CategoryCounter<K extends string | number = string> {
  readonly counts = new Map<K, number>();

  constructor(private readonly keep: number) {}

  add(value: K, by = 1): void {
    const c = this.counts.get(value);
    if (c !== undefined) {
      this.counts.set(value, c + by);
      return;
    }
    if (this.counts.size >= 2 * this.keep) this.prune();
    this.counts.set(value, by);
  }

  /** Most frequent first; ties by value so the order never depends on arrival. */
  ranked(): [K, number][] {
    return [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  private prune(): void {
    const kept = this.ranked().slice(0, this.keep);
    this.counts.clear();
    for (const [v, c] of kept) this.counts.set(v, c);
  }
}

export class CategoricalAccumulator {
  private readonly read: StringReader;
  private readonly counter: CategoryCounter;
  count = 0;

  constructor(
    readonly source: CategoricalSource,
    private readonly options: CategoryOptions,
  ) {
    this.read = stringReader(source);
    this.counter = new CategoryCounter(options.maxTracked);
  }

  add(r: TrafficRecord): void {
    this.addValue(this.read(r));
  }

  addValue(v: string | undefined): void {
    if (v === undefined) return;
    this.count++;
    this.counter.add(v);
  }

  /** `extra` adds values counted elsewhere (numbers of a mixed attribute column) without changing this accumulator. */
  build(totalRows: number, extra: ExtraCounts = NO_EXTRA): CategoricalFeatureSpec | null {
    const ranked = mergeRanked(this.counter, extra.counts);
    const count = this.count + extra.total;
    if (count === 0) return null;
    const { maxCategories, minFrequency, minCount, maxRare } = this.options;
    const threshold = Math.max(minCount, minFrequency * count);
    let cut = 0;
    while (cut < ranked.length && cut < maxCategories && ranked[cut][1] >= threshold) cut++;
    const top = ranked.slice(0, cut);
    const rare = ranked.slice(cut, cut + maxRare);
    const topTotal = top.reduce((s, [, c]) => s + c, 0);
    return {
      type: 'categorical',
      key: sourceKey(this.source),
      source: this.source,
      count,
      missing: totalRows - count,
      categories: top.map(([v]) => v),
      counts: top.map(([, c]) => c),
      rare: rare.map(([v]) => v),
      rareCounts: rare.map(([, c]) => c),
      otherCount: count - topTotal,
    };
  }

}

export interface ExtraCounts {
  counts: ReadonlyMap<string, number>;
  /** All occurrences, including values a bounded counter has forgotten. */
  total: number;
}

const NO_EXTRA: ExtraCounts = { counts: new Map(), total: 0 };

function mergeRanked(counter: CategoryCounter, extra: ReadonlyMap<string, number>): [string, number][] {
  if (extra.size === 0) return counter.ranked();
  const merged = new CategoryCounter(Number.MAX_SAFE_INTEGER);
  for (const [v, c] of counter.counts) merged.add(v, c);
  for (const [v, c] of extra) merged.add(v, c);
  return merged.ranked();
}

/** Relative column positions; "other" exists only if training had below-cut values, "missing" only if it had gaps. */
export interface CategoricalLayout {
  other: number;
  unseen: number;
  missing: number;
}

export function categoricalLayout(def: CategoricalFeatureSpec): CategoricalLayout {
  let next = def.categories.length;
  const other = def.rare.length > 0 ? next++ : -1;
  const unseen = next++;
  const missing = def.missing > 0 ? next++ : -1;
  return { other, unseen, missing };
}

export function categoricalColumnNames(def: CategoricalFeatureSpec): string[] {
  const layout = categoricalLayout(def);
  const names = def.categories.map((c) => `${def.key}=${c}`);
  if (layout.other >= 0) names.push(`${def.key}:other`);
  names.push(`${def.key}:unseen`);
  if (layout.missing >= 0) names.push(`${def.key}:missing`);
  return names;
}

export class CategoricalWriter {
  private readonly read: StringReader;
  /** value → absolute column; rare values map to the shared "other" column. */
  private readonly index = new Map<string, number>();
  private readonly unseenAt: number;
  private readonly missingAt: number;

  constructor(def: CategoricalFeatureSpec, at: number) {
    this.read = stringReader(def.source);
    const layout = categoricalLayout(def);
    def.rare.forEach((v) => this.index.set(v, at + layout.other));
    def.categories.forEach((v, i) => this.index.set(v, at + i));
    this.unseenAt = at + layout.unseen;
    this.missingAt = layout.missing >= 0 ? at + layout.missing : -1;
  }

  /** A missing value with no missing column in training lights nothing rather than borrowing another column. */
  write(r: TrafficRecord, out: Float64Array, base: number): void {
    const col = this.columnOf(this.read(r));
    if (col >= 0) out[base + col] = 1;
  }

  /** Row i of a column batch's values goes to out[i * stride ..]; undefined = the batch lacks the column. */
  writeColumn(c: Column | undefined, rows: number, out: Float64Array, stride: number): void {
    if (c === undefined) {
      if (this.missingAt >= 0) for (let i = 0; i < rows; i++) out[i * stride + this.missingAt] = 1;
      return;
    }
    // Strings are looked up once per dictionary entry, not once per row.
    const byCode = Int32Array.from({ length: c.dict.length + 1 }, (_, k) => (k === 0 ? -1 : this.columnOf(categoryOf(c.dict[k - 1]))));
    const { codes, numbers } = c;
    for (let i = 0; i < rows; i++) {
      const col = codes !== null && codes[i] !== 0 ? byCode[codes[i]] : this.columnOf(numbers === null ? undefined : categoryOf(numbers[i]));
      if (col >= 0) out[i * stride + col] = 1;
    }
  }

  /** The absolute column a value lights, -1 for none. */
  private columnOf(v: string | undefined): number {
    if (v === undefined) return this.missingAt;
    return this.index.get(v) ?? this.unseenAt;
  }
}
