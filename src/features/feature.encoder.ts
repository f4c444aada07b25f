import type { Matrix } from '../detectors/matrix';
import type { TrafficRecord } from '../records/traffic-record';
import { AddressWriter } from './address.features';
import { CategoricalWriter } from './categorical.encoder';
import type { FeatureSpec } from './feature-spec.types';
import { featureLayout } from './feature.layout';
import { NumericWriter } from './numeric.scaler';
import { PortWriter } from './port.features';
import { ServiceSideWriter, specServicePorts } from './service-side.features';

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
  private readonly categorical: CategoricalWriter[] = [];
  private readonly ports: PortWriter[] = [];
  private readonly addresses: AddressWriter[] = [];
  private readonly sides: ServiceSideWriter[] = [];

  constructor(readonly spec: FeatureSpec) {
    const layout = featureLayout(spec);
    this.names = layout.names;
    this.cols = layout.names.length;
    spec.features.forEach((def, i) => {
      const at = layout.offsets[i];
      switch (def.type) {
        case 'numeric':
          return void this.numeric.push(new NumericWriter(def, at));
        case 'categorical':
          return void this.categorical.push(new CategoricalWriter(def, at));
        case 'port':
          return void this.ports.push(new PortWriter(def, at));
        case 'address':
          return void this.addresses.push(new AddressWriter(def, at));
        case 'serviceSide':
          return void this.sides.push(new ServiceSideWriter(def, specServicePorts(spec), at));
      }
    });
  }

  transform(records: readonly TrafficRecord[]): Matrix {
    const cols = this.cols;
    const data = new Float64Array(records.length * cols);
    for (let i = 0; i < records.length; i++) this.writeRow(records[i], data, i * cols);
    return { rows: records.length, cols, data };
  }

  transformRecord(record: TrafficRecord): Float64Array {
    const row = new Float64Array(this.cols);
    this.writeRow(record, row, 0);
    return row;
  }

  /** `out` must be zero-filled from `base` for one row: writers only set the cells they light. */
  private writeRow(r: TrafficRecord, out: Float64Array, base: number): void {
    const { numeric, categorical, ports, addresses, sides } = this;
    for (let j = 0; j < addresses.length; j++) addresses[j].write(r, out, base);
    for (let j = 0; j < ports.length; j++) ports[j].write(r, out, base);
    for (let j = 0; j < sides.length; j++) sides[j].write(r, out, base);
    for (let j = 0; j < categorical.length; j++) categorical[j].write(r, out, base);
    for (let j = 0; j < numeric.length; j++) numeric[j].write(r, out, base);
  }
}
