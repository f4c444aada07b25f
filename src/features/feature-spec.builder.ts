import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { Column, RecordColumns } from '../records/record-columns';
import type { RecordKind, TrafficRecord } from '../records/traffic-record';
import { AddressAccumulator } from './address.features';
import { AttributeAccumulator } from './attribute.accumulator';
import { PairAccumulator } from './categorical-rarity.features';
import { CategoricalAccumulator, type CategoryOptions } from './categorical.encoder';
import {
  FEATURE_SPEC_VERSION,
  type CategoricalField,
  type FeatureDef,
  type FeatureSpec,
  type NumericField,
  type PortFeatureSpec,
} from './feature-spec.types';
import { NumericAccumulator } from './numeric.scaler';
import { PortAccumulator } from './port.features';
import { ServiceSideAccumulator } from './service-side.features';
import { DERIVED_NAMES } from './value-source';

export interface FeatureSpecOptions {
  /** Seeds the quantile reservoirs; same seed + same data = identical spec. */
  seed?: number;
  /** Values kept per numeric feature for quantiles (exact below this many records). */
  reservoirSize?: number;
  /** One-hot columns per categorical field at most. */
  maxCategories?: number;
  /** Share of records a value needs for its own column. */
  minCategoryFrequency?: number;
  /** Below-cut values remembered as "seen but rare" (vs unseen). */
  maxRareValues?: number;
  maxPorts?: number;
  minPortFrequency?: number;
  /** Attribute columns never used (case-insensitive). Defaults to common ground-truth column names. */
  excludeAttributes?: readonly string[];
}

/**
 * Ground truth that an importer left among the attributes would make any
 * detector look perfect in evaluation and useless in production, so these
 * names are never features unless the caller overrides the list.
 */
export const DEFAULT_EXCLUDED_ATTRIBUTES: readonly string[] = ['label', 'class', 'attack', 'attack_cat', 'attack_type'];

const DEFAULTS = {
  seed: 0x5eed,
  reservoirSize: 10_000,
  maxCategories: 32,
  minCategoryFrequency: 0.001,
  maxRareValues: 512,
  maxPorts: 32,
  minPortFrequency: 0.002,
};

const MIN_COUNT = 2;
const MAX_TRACKED_CATEGORIES = 4096;

interface RecordAccumulator {
  add(r: TrafficRecord): void;
  build(totalRows: number): FeatureDef | null;
}

const PACKET_NUMERIC: NumericField[] = ['packetSize'];
const FLOW_NUMERIC: NumericField[] = ['packetSize', 'duration', 'bytesOut', 'bytesIn', 'packetsOut', 'packetsIn'];
const PACKET_CATEGORICAL: CategoricalField[] = ['protocol', 'tcpFlags'];
const FLOW_CATEGORICAL: CategoricalField[] = ['protocol', 'tcpFlags', 'connState', 'service'];

/**
 * Streaming fit of a FeatureSpec: call add() once per chunk (training reads
 * PostgreSQL in chunks), then build(). Memory is bounded by reservoirs and
 * category budgets, not by the number of records.
 */
export class FeatureSpecBuilder {
  private readonly options: Required<Omit<FeatureSpecOptions, 'excludeAttributes'>>;
  private readonly fixed: RecordAccumulator[];
  private readonly serviceSide: ServiceSideAccumulator;
  /** Insertion order = first appearance, so tabular columns keep their file order; null marks an excluded column. */
  private readonly attributes = new Map<string, AttributeAccumulator | null>();
  private readonly excluded: Set<string>;
  private readonly categoryOptions: CategoryOptions;
  /** Tabular profiles only: value pairs of categorical attributes. */
  private readonly pairs: PairAccumulator | null;
  private rows = 0;

  constructor(
    readonly kind: RecordKind,
    options: FeatureSpecOptions = {},
  ) {
    const { excludeAttributes = DEFAULT_EXCLUDED_ATTRIBUTES, ...tuning } = options;
    this.options = { ...DEFAULTS, ...stripUndefined(tuning) };
    this.excluded = new Set(excludeAttributes.map((n) => n.toLowerCase()));
    this.categoryOptions = {
      maxCategories: this.options.maxCategories,
      minFrequency: this.options.minCategoryFrequency,
      minCount: MIN_COUNT,
      maxRare: this.options.maxRareValues,
      maxTracked: MAX_TRACKED_CATEGORIES,
    };
    this.fixed = this.fixedAccumulators();
    this.pairs = kind === 'tabular' ? new PairAccumulator((name) => this.excluded.has(name.toLowerCase())) : null;
    this.serviceSide = new ServiceSideAccumulator(this.options.reservoirSize, this.options.seed);
  }

  get recordCount(): number {
    return this.rows;
  }

  add(records: readonly TrafficRecord[]): void {
    const fixed = this.fixed;
    for (const r of records) {
      for (let i = 0; i < fixed.length; i++) fixed[i].add(r);
      this.serviceSide.add(r);
      if (r.attributes !== undefined) {
        this.addAttributes(r.attributes);
        this.pairs?.add(r.attributes);
      }
    }
    this.rows += records.length;
  }

  /**
   * The same as add(batch.toRecords()), without an object per record:
   * attributes are read column by column, and field features (addresses,
   * ports, sizes...) see records of the top-level fields only, and only when
   * the batch has such fields.
   */
  addColumns(batch: RecordColumns): void {
    if (batch.hasFeatureFields()) {
      const fixed = this.fixed;
      for (const r of batch.toRecords({ attributes: false })) {
        for (let i = 0; i < fixed.length; i++) fixed[i].add(r);
        this.serviceSide.add(r);
      }
    }
    const columns = batch.columns.filter((c) => c.attribute);
    // New columns join in the order add() would meet them: by the first row holding a value, then column order.
    const fresh = columns
      .filter((c) => !this.attributes.has(c.name))
      .map((c) => ({ c, row: firstValue(c, batch.rows) }))
      .filter((f) => f.row >= 0)
      .sort((a, b) => a.row - b.row);
    for (const { c } of fresh) this.attributes.set(c.name, this.excluded.has(c.name.toLowerCase()) ? null : this.newAttribute(c.name));
    for (const c of columns) this.attributes.get(c.name)?.addColumn(c, batch.rows);
    this.pairs?.addColumns(columns, batch.rows);
    this.rows += batch.rows;
  }

  /** Does not consume the builder: more chunks may be added and build() called again. */
  build(): FeatureSpec {
    if (this.rows === 0) {
      throw new AppError(ErrorCode.INVALID_TRAINING_DATA, 'Cannot fit features on zero records');
    }
    const features: FeatureDef[] = [];
    for (const acc of [...this.fixed, ...this.attributes.values()]) {
      const def = acc?.build(this.rows) ?? null;
      if (def !== null) features.push(def);
    }
    if (this.pairs !== null) features.push(...this.tabularCategoricals(features, this.pairs));
    const port = (key: string) => features.find((f): f is PortFeatureSpec => f.type === 'port' && f.key === key) ?? null;
    const side = this.serviceSide.build(this.rows, port('srcPort'), port('destPort'));
    if (side !== null) features.splice(features.indexOf(port('destPort')!) + 1, 0, side);
    if (features.length === 0) {
      throw new AppError(ErrorCode.INVALID_TRAINING_DATA, `No usable ${this.kind} fields in the training records`, {
        kind: this.kind,
        rows: this.rows,
      });
    }
    return { version: FEATURE_SPEC_VERSION, kind: this.kind, rows: this.rows, features };
  }

  private fixedAccumulators(): RecordAccumulator[] {
    const { reservoirSize, seed, maxPorts, minPortFrequency } = this.options;
    const isPacket = this.kind === 'packet';
    const portOptions = { maxPorts, minFrequency: minPortFrequency, minCount: MIN_COUNT };
    const accs: RecordAccumulator[] = [
      new AddressAccumulator('srcIp'),
      new AddressAccumulator('destIp'),
      new PortAccumulator('srcPort', portOptions),
      new PortAccumulator('destPort', portOptions),
    ];
    for (const name of isPacket ? PACKET_CATEGORICAL : FLOW_CATEGORICAL) {
      accs.push(new CategoricalAccumulator({ from: 'field', name }, this.categoryOptions));
    }
    for (const name of isPacket ? PACKET_NUMERIC : FLOW_NUMERIC) {
      accs.push(new NumericAccumulator({ from: 'field', name }, reservoirSize, seed));
    }
    if (!isPacket) {
      for (const name of DERIVED_NAMES) accs.push(new NumericAccumulator({ from: 'derived', name }, reservoirSize, seed));
    }
    return accs;
  }

  /**
   * Tabular categorical attributes switch to rarity encoding (one column each)
   * and gain their pairs; returns the pair features. Measured on NSL-KDD
   * (README, "Detection quality"): every detector gains from both.
   */
  private tabularCategoricals(features: FeatureDef[], pairs: PairAccumulator): FeatureDef[] {
    const categorical = new Set<string>();
    for (const def of features) {
      if (def.type !== 'categorical' || def.source.from !== 'attribute') continue;
      def.encoding = 'rarity';
      categorical.add(def.source.name);
    }
    return pairs.build(categorical, this.rows);
  }

  private addAttributes(attrs: Record<string, number | string>): void {
    for (const name in attrs) {
      let acc = this.attributes.get(name);
      if (acc === undefined) {
        acc = this.excluded.has(name.toLowerCase()) ? null : this.newAttribute(name);
        this.attributes.set(name, acc);
      }
      acc?.addValue(attrs[name]);
    }
  }

  private newAttribute(name: string): AttributeAccumulator {
    // Only tabular profiles one-hot string attributes; packet/flow attributes are numeric window features.
    const categories = this.kind === 'tabular' ? this.categoryOptions : null;
    return new AttributeAccumulator(name, this.options.reservoirSize, this.options.seed, categories);
  }
}

function firstValue(c: Column, rows: number): number {
  for (let i = 0; i < rows; i++) {
    if ((c.codes !== null && c.codes[i] !== 0) || (c.numbers !== null && !Number.isNaN(c.numbers[i]))) return i;
  }
  return -1;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** One-shot fit: the same result as a builder fed the records in any chunking. */
export function fitFeatureSpec(
  kind: RecordKind,
  records: readonly TrafficRecord[],
  options?: FeatureSpecOptions,
): FeatureSpec {
  const builder = new FeatureSpecBuilder(kind, options);
  builder.add(records);
  return builder.build();
}
