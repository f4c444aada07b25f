import type { Matrix } from '../detectors/matrix';
import { attributeRowOf, type AttributeLayout, type AttributeRow } from '../records/attribute-row';
import type { RecordColumns } from '../records/record-columns';
import type { TrafficRecord } from '../records/traffic-record';
import { AddressWriter } from './address.features';
import { PairWriter, RarityWriter } from './categorical-rarity.features';
import { CategoricalWriter } from './categorical.encoder';
import type { FeatureSpec } from './feature-spec.types';
import { featureLayout } from './feature.layout';
import { NumericWriter } from './numeric.scaler';
import { PortWriter } from './port.features';
import { ServiceSideWriter, specServicePorts } from './service-side.features';

/** rowIndex entries that are not an index: the attribute is among the record's own; the writer reads a field. */
const ROW_OWN = -1;
const ROW_FIELD = -2;

/**
 * Turns records into detector rows under a fitted spec. All lookups (category
 * maps, port tables, column offsets) are compiled once here, so transform()
 * is a tight loop writing one preallocated Float64Array.
 */
export class FeatureEncoder {
  /** One name per encoded column, e.g. "destPort=443", "packetSize", "protocol:unseen". */
  readonly names: string[];
  readonly cols: number;
  // Writers are kept in one array per class so every call site in the hot loop stays monomorphic.
  private readonly numeric: NumericWriter[] = [];
  private readonly categorical: (CategoricalWriter | RarityWriter)[] = [];
  private readonly pairs: PairWriter[] = [];
  private readonly ports: PortWriter[] = [];
  private readonly addresses: AddressWriter[] = [];
  private readonly sides: ServiceSideWriter[] = [];
  // For transformColumns: numeric and categorical writers split by where they read.
  private readonly numericAttributes: { name: string; writer: NumericWriter }[] = [];
  private readonly categoricalAttributes: { name: string; writer: CategoricalWriter | RarityWriter }[] = [];
  private readonly fieldNumeric: NumericWriter[] = [];
  private readonly fieldCategorical: (CategoricalWriter | RarityWriter)[] = [];
  /** Whether some feature reads a top-level field (address, port, size...). */
  private readonly readsFields: boolean;
  /** Per numeric writer, the attribute it reads (undefined: a field or derived value). */
  private readonly numericNames: (string | undefined)[] = [];
  /** Per numeric writer, where it reads in rows of `rowLayout` (an index, ROW_OWN or ROW_FIELD). */
  private rowLayout: AttributeLayout | undefined;
  private rowIndex = new Int32Array(0);

  constructor(readonly spec: FeatureSpec) {
    const layout = featureLayout(spec);
    this.names = layout.names;
    this.cols = layout.names.length;
    spec.features.forEach((def, i) => {
      const at = layout.offsets[i];
      switch (def.type) {
        case 'numeric': {
          const writer = new NumericWriter(def, at);
          if (def.source.from === 'attribute') this.numericAttributes.push({ name: def.source.name, writer });
          else this.fieldNumeric.push(writer);
          this.numericNames.push(def.source.from === 'attribute' ? def.source.name : undefined);
          return void this.numeric.push(writer);
        }
        case 'categorical': {
          const writer = def.encoding === 'rarity' ? new RarityWriter(def, at) : new CategoricalWriter(def, at);
          if (def.source.from === 'attribute') this.categoricalAttributes.push({ name: def.source.name, writer });
          else this.fieldCategorical.push(writer);
          return void this.categorical.push(writer);
        }
        case 'port':
          return void this.ports.push(new PortWriter(def, at));
        case 'address':
          return void this.addresses.push(new AddressWriter(def, at));
        case 'serviceSide':
          return void this.sides.push(new ServiceSideWriter(def, specServicePorts(spec), at));
        case 'categoricalPair':
          return void this.pairs.push(new PairWriter(def, at));
      }
    });
    this.readsFields = this.fieldNumeric.length + this.fieldCategorical.length + this.ports.length + this.addresses.length + this.sides.length > 0;
  }

  transform(records: readonly TrafficRecord[]): Matrix {
    const cols = this.cols;
    const data = new Float64Array(records.length * cols);
    for (let i = 0; i < records.length; i++) this.writeRow(records[i], data, i * cols);
    return { rows: records.length, cols, data };
  }

  /**
   * The same matrix as transform(batch.toRecords()), without an object per
   * record: attribute features are written column by column; only features of
   * top-level fields see records (of those fields alone).
   */
  transformColumns(batch: RecordColumns): Matrix {
    const { cols } = this;
    const rows = batch.rows;
    const data = new Float64Array(rows * cols);
    if (this.readsFields) {
      const records = batch.toRecords({ attributes: false });
      for (let i = 0; i < rows; i++) this.writeFields(records[i], data, i * cols);
    }
    for (const { name, writer } of this.numericAttributes) writer.writeColumn(batch.find(name, true)?.numbers ?? null, rows, data, cols);
    for (const { name, writer } of this.categoricalAttributes) writer.writeColumn(batch.find(name, true), rows, data, cols);
    for (const writer of this.pairs) writer.writeColumns(batch, rows, data, cols);
    return { rows, cols, data };
  }

  transformRecord(record: TrafficRecord): Float64Array {
    const row = new Float64Array(this.cols);
    this.writeRow(record, row, 0);
    return row;
  }

  /** `out` must be zero-filled from `base` for one row: writers only set the cells they light. */
  private writeRow(r: TrafficRecord, out: Float64Array, base: number): void {
    const { numeric, categorical, pairs, ports, addresses, sides } = this;
    for (let j = 0; j < addresses.length; j++) addresses[j].write(r, out, base);
    for (let j = 0; j < ports.length; j++) ports[j].write(r, out, base);
    for (let j = 0; j < sides.length; j++) sides[j].write(r, out, base);
    for (let j = 0; j < categorical.length; j++) categorical[j].write(r, out, base);
    for (let j = 0; j < pairs.length; j++) pairs[j].write(r, out, base);
    const row = attributeRowOf(r.attributes);
    if (row === undefined) for (let j = 0; j < numeric.length; j++) numeric[j].write(r, out, base);
    else this.writeNumericRow(r, row, out, base);
  }

  /** The numeric features of a record whose attributes are still a row (capture features): attributes by index, not by name. */
  private writeNumericRow(r: TrafficRecord, row: AttributeRow, out: Float64Array, base: number): void {
    if (row.layout !== this.rowLayout) {
      const index = row.layout.index;
      this.rowIndex = Int32Array.from(this.numericNames, (name) => (name === undefined ? ROW_FIELD : (index.get(name) ?? ROW_OWN)));
      this.rowLayout = row.layout;
    }
    const { numeric, numericNames, rowIndex } = this;
    const { values, at: from, own } = row;
    for (let j = 0; j < numeric.length; j++) {
      const at = rowIndex[j];
      if (at >= 0) numeric[j].putFrom(values, from + at, out, base);
      else if (at === ROW_OWN) numeric[j].writeValue(own === undefined ? undefined : own[numericNames[j] as string], out, base);
      else numeric[j].write(r, out, base);
    }
  }

  /** writeRow for the features that read top-level fields. */
  private writeFields(r: TrafficRecord, out: Float64Array, base: number): void {
    const { fieldNumeric, fieldCategorical, ports, addresses, sides } = this;
    for (let j = 0; j < addresses.length; j++) addresses[j].write(r, out, base);
    for (let j = 0; j < ports.length; j++) ports[j].write(r, out, base);
    for (let j = 0; j < sides.length; j++) sides[j].write(r, out, base);
    for (let j = 0; j < fieldCategorical.length; j++) fieldCategorical[j].write(r, out, base);
    for (let j = 0; j < fieldNumeric.length; j++) fieldNumeric[j].write(r, out, base);
  }
}
