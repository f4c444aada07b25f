import { inspect, type InspectOptions } from 'node:util';
import type { TrafficRecord } from './traffic-record';

export type Attributes = NonNullable<TrafficRecord['attributes']>;

/** An attributes object's row, when it has one that no one has turned into properties yet. */
const ROW = Symbol('attributeRow');

const ROWS_PER_BLOCK = 1024;
const NO_VALUES = new Float64Array(0);

/**
 * The state behind a row-backed attributes object: the producer's numbers
 * at `values[at ..]` (named by `layout`) and the record's own few attributes.
 * `object` is the plain object they make, built on first use, after which
 * the row lets go of `values`.
 */
export class AttributeRow {
  object: Attributes | undefined = undefined;

  constructor(
    readonly layout: AttributeLayout,
    public values: Float64Array,
    readonly at: number,
    readonly own: Attributes | undefined,
  ) {}

  /** util.inspect shows a proxy's target, calling this with the proxy: show the attributes, not the row. */
  [inspect.custom](_depth: number, options: InspectOptions): string {
    const row = (this as { [ROW]?: AttributeRow })[ROW] ?? this;
    return inspect(objectOf(row), options);
  }
}

/**
 * Names for rows of numbers that become record attributes: the windowed
 * features of capture records, fifty to a hundred per record.
 *
 * Building those attributes as objects cost more than computing them: an
 * object of that many computed numbers (each one a heap allocation of its
 * own) per flow, then a keyed lookup per attribute feature when encoding. So
 * `attributes()` hands out an object that is its row until something looks
 * at it: the encoder and the record columns read the row directly (see
 * `attributeRowOf`), and any other use (an explanation, JSON for a stored
 * anomaly, a test) sees and changes a plain object with the same properties
 * in the same order, built from the row on first use. Only the few records
 * that are explained or stored are ever built.
 */
export class AttributeLayout {
  /** Every name in row order, the `last` ones at the end. */
  readonly names: readonly string[];
  /** Name → index in a row. */
  readonly index: ReadonlyMap<string, number>;
  /** How many names are not `last` ones. */
  readonly fixed: number;
  private readonly build: (values: Float64Array, at: number) => Record<string, number>;
  /**
   * Rows are copied into blocks of ROWS_PER_BLOCK rows: a typed array of
   * its own per record would be an off-heap buffer per record. A block is
   * freed once every record of it is gone or built.
   */
  private block = NO_VALUES;
  private next = 0;

  /**
   * `names` are always set; `last` ones come after the record's own
   * attributes and only when their value is not NaN (a flow's packet rate,
   * which flows of one packet lack).
   */
  constructor(names: readonly string[], last: readonly string[] = []) {
    this.names = [...names, ...last];
    this.index = new Map(this.names.map((name, i) => [name, i]));
    this.fixed = names.length;
    this.build = compileObjectBuilder(names);
  }

  /**
   * A record's attributes: a copy of `values` (one per name, in order) under
   * this layout's names, with the record's `own` after them, which win on a
   * name clash like Object.assign(named values, own); the `last` names then
   * win over both.
   */
  attributes(values: Float64Array, own: Attributes | undefined): Attributes {
    if (own !== undefined) {
      for (const name in own) if (this.index.has(name)) return this.objectOf(values, 0, own);
    }
    const width = this.names.length;
    if (this.next + width > this.block.length) {
      this.block = new Float64Array(width * ROWS_PER_BLOCK);
      this.next = 0;
    }
    const at = this.next;
    this.block.set(values, at);
    this.next += width;
    return new Proxy(new AttributeRow(this, this.block, at, own), ROW_HANDLER) as unknown as Attributes;
  }

  /** The plain object of a row: named values, own attributes, then the `last` ones that are set. */
  objectOf(values: Float64Array, at: number, own: Attributes | undefined): Attributes {
    const object: Attributes = this.build(values, at);
    if (own !== undefined) Object.assign(object, own);
    for (let i = this.fixed; i < this.names.length; i++) {
      const v = values[at + i];
      if (v === v) object[this.names[i]] = v;
    }
    return object;
  }
}

/** The row behind `attributes` while it is still only a row; undefined for any other object. */
export function attributeRowOf(attributes: Attributes | undefined): AttributeRow | undefined {
  if (attributes === undefined) return undefined;
  const row = (attributes as { [ROW]?: AttributeRow })[ROW];
  return row !== undefined && row.object === undefined ? row : undefined;
}

function objectOf(row: AttributeRow): Attributes {
  if (row.object === undefined) {
    row.object = row.layout.objectOf(row.values, row.at, row.own);
    row.values = NO_VALUES;
  }
  return row.object;
}

/**
 * Every operation goes to the built object, so the proxy behaves as that
 * object in every way but one: it cannot be made non-extensible (a proxy's
 * invariants tie that to its target, the row).
 */
const ROW_HANDLER: ProxyHandler<AttributeRow> = {
  get: (row, key) => (key === ROW ? row : Reflect.get(objectOf(row), key)),
  set: (row, key, value) => Reflect.set(objectOf(row), key, value),
  has: (row, key) => Reflect.has(objectOf(row), key),
  deleteProperty: (row, key) => Reflect.deleteProperty(objectOf(row), key),
  ownKeys: (row) => Reflect.ownKeys(objectOf(row)),
  getOwnPropertyDescriptor: (row, key) => Reflect.getOwnPropertyDescriptor(objectOf(row), key),
  defineProperty: (row, key, descriptor) => Reflect.defineProperty(objectOf(row), key, descriptor),
  getPrototypeOf: (row) => Reflect.getPrototypeOf(objectOf(row)),
  preventExtensions: () => false,
};

/**
 * Compiles `(v, at) => ({ name0: v[at], name1: v[at + 1], ... })` for a fixed name list. An object
 * literal with constant keys gets one hidden class and is built in one go;
 * assigning 50+ computed keys one by one measured 5-7x slower. The names are
 * embedded via JSON.stringify.
 */
function compileObjectBuilder(names: readonly string[]): (values: Float64Array, at: number) => Record<string, number> {
  const fields = names.map((name, i) => `${JSON.stringify(name)}: v[at + ${i}]`).join(',\n');
  return new Function('v', 'at', `return {\n${fields}\n};`) as (values: Float64Array, at: number) => Record<string, number>;
}
