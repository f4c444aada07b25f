import type { TrafficRecord } from '../records/traffic-record';
import type { CategoricalSource, DerivedName, FeatureDef, NumericSource } from './feature-spec.types';

/** Returns NaN when the record has no usable number: NaN is the encoder's single "missing" marker. */
export type NumberReader = (r: TrafficRecord) => number;
/** Returns undefined when the record has no value. */
export type StringReader = (r: TrafficRecord) => string | undefined;

function finiteOrNaN(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
}

function ratio(num: number | undefined, den: number | undefined): number {
  const n = finiteOrNaN(num);
  const d = finiteOrNaN(den);
  return d > 0 ? n / d : NaN;
}

const DERIVED: Record<DerivedName, NumberReader> = {
  bytesPerPacketOut: (r) => ratio(r.bytesOut, r.packetsOut),
  bytesPerPacketIn: (r) => ratio(r.bytesIn, r.packetsIn),
  // +1 on both sides keeps empty directions finite and the ratio non-negative (so it can be log-scaled).
  inOutByteRatio: (r) => {
    const out = finiteOrNaN(r.bytesOut);
    const inb = finiteOrNaN(r.bytesIn);
    return out >= 0 && inb >= 0 ? (inb + 1) / (out + 1) : NaN;
  },
};

export const DERIVED_NAMES = Object.keys(DERIVED) as DerivedName[];

export function numberReader(source: NumericSource): NumberReader {
  switch (source.from) {
    case 'field': {
      const name = source.name;
      return (r) => finiteOrNaN(r[name]);
    }
    case 'attribute': {
      const name = source.name;
      return (r) => {
        const attrs = r.attributes;
        return attrs === undefined ? NaN : finiteOrNaN(attrs[name]);
      };
    }
    case 'derived':
      return DERIVED[source.name];
  }
}

/** Numbers in attribute columns become their decimal string, the same at fit and transform time. */
export function categoryOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function stringReader(source: CategoricalSource): StringReader {
  if (source.from === 'field') {
    const field = source.name;
    return (r) => categoryOf(r[field]);
  }
  const name = source.name;
  return (r) => {
    const attrs = r.attributes;
    return attrs === undefined ? undefined : categoryOf(attrs[name]);
  };
}

const FIELD_LABELS: Record<string, string> = {
  packetSize: 'packet size',
  duration: 'duration',
  bytesOut: 'bytes out',
  bytesIn: 'bytes in',
  packetsOut: 'packets out',
  packetsIn: 'packets in',
  protocol: 'protocol',
  tcpFlags: 'TCP flags',
  connState: 'connection state',
  service: 'service',
  srcPort: 'source port',
  destPort: 'destination port',
  srcIp: 'source address',
  destIp: 'destination address',
  bytesPerPacketOut: 'bytes per packet out',
  bytesPerPacketIn: 'bytes per packet in',
  inOutByteRatio: 'in/out byte ratio',
  serviceSide: 'port pair',
};

const UNITS: Record<string, string> = {
  packetSize: 'bytes',
  duration: 's',
  bytesOut: 'bytes',
  bytesIn: 'bytes',
  packetsOut: 'packets',
  packetsIn: 'packets',
  bytesPerPacketOut: 'bytes',
  bytesPerPacketIn: 'bytes',
};

/** What a person calls the raw field: attribute columns keep their own name. */
export function featureLabel(def: FeatureDef): string {
  if (def.source.from === 'attribute') return def.source.name;
  if (def.source.from === 'pair') return def.source.names.join(' + ');
  return FIELD_LABELS[def.source.name] ?? def.source.name;
}

export function featureUnit(def: FeatureDef): string {
  return def.source.from === 'attribute' || def.source.from === 'pair' ? '' : (UNITS[def.source.name] ?? '');
}

/** Column-name prefix; attributes are namespaced so a column called "protocol" cannot collide with the field. */
export function sourceKey(source: FeatureDef['source']): string {
  switch (source.from) {
    case 'field':
      return source.name;
    case 'attribute':
      return `attr.${source.name}`;
    case 'derived':
      return `derived.${source.name}`;
    case 'pair':
      return `pair.${source.names.join('+')}`;
  }
}
