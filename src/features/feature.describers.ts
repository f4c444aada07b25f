import type { TrafficRecord } from '../records/traffic-record';
import { ADDRESS_CLASSES, PORT_CLASSES } from './feature-spec.types';
import type {
  AddressFeatureSpec,
  CategoricalFeatureSpec,
  FeatureDef,
  FeatureSpec,
  NumericFeatureSpec,
  PortFeatureSpec,
  ServiceSideFeatureSpec,
} from './feature-spec.types';
import { readAddressClass } from './address.features';
import { APP_ATTRIBUTE_LABELS, APP_ATTRIBUTE_PHRASES } from './app.describers';
import { describePair } from './categorical-rarity.features';
import { decodeSeenPorts, portClass, portSeen, readPort } from './port.features';
import { surprise, unseenFrequency } from './rarity';
import { serviceSide, specServicePorts, type ServicePorts } from './service-side.features';
import { featureLabel, featureUnit, numberReader, stringReader } from './value-source';

/** What one raw field of a record looks like against training, before ranking. */
export interface FieldDescription {
  value: string;
  typical: string;
  message: string;
  /** Robust |z| for numbers, surprise() of the training frequency for everything else. */
  deviation: number;
}

/** Compact numbers for people: integers as is, otherwise three significant digits. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 100) return String(Math.round(v));
  return String(Number(v.toPrecision(3)));
}

export function formatShare(p: number): string {
  const pct = p * 100;
  if (pct === 0 || pct >= 10) return `${Math.round(pct)}%`;
  return `${Number(pct.toPrecision(pct >= 1 ? 2 : 1))}%`;
}

function withUnit(v: number, unit: string): string {
  return unit === '' ? formatNumber(v) : `${formatNumber(v)} ${unit}`;
}

function describeMissing(def: FeatureDef, rows: number, typical: string): FieldDescription {
  const label = featureLabel(def);
  const p = def.missing / rows;
  const history = def.missing > 0 ? `; it was missing in ${formatShare(p)} of training` : '; it was never missing in training';
  return {
    value: 'missing',
    typical,
    message: `${label} is missing (typical: ${typical})${history}`,
    deviation: surprise(def.missing > 0 ? p : unseenFrequency(rows)),
  };
}

/** ICMP and friends have no ports: their absence explains nothing, so it must not outrank real deviations. */
function describeMissingPort(def: FeatureDef, record: TrafficRecord, rows: number, typical: string): FieldDescription {
  const protocol = record.protocol;
  if (protocol === undefined || PORT_PROTOCOLS.has(protocol)) return describeMissing(def, rows, typical);
  return { value: 'none', typical, message: `${featureLabel(def)}: none, ${protocol} has no ports`, deviation: 0 };
}

const PORT_PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP', 'DCCP', 'UDPLITE']);

/** The most frequent values that are actually common (≥ 5%), at least one, at most three. */
function typicalValues(values: readonly (string | number)[], counts: readonly number[], total: number): string {
  const common = values.filter((_, i) => i === 0 || counts[i] >= 0.05 * total);
  return common.slice(0, 3).join(', ') || 'none';
}

function describeNumeric(def: NumericFeatureSpec, record: TrafficRecord, z: number, rows: number): FieldDescription {
  const { stats } = def;
  const unit = featureUnit(def);
  const typical = `${formatNumber(stats.q50)} (IQR ${formatNumber(stats.q25)}–${formatNumber(stats.q75)})`;
  const v = numberReader(def.source)(record);
  if (v !== v) return describeMissing(def, rows, typical);
  const windowed = def.source.from === 'attribute' ? capturePhrase(def.source.name, formatNumber(v)) : undefined;
  const shown = windowed ?? `${featureLabel(def)} ${withUnit(v, unit)}`;
  let message = `${shown}, typical ${typical}`;
  if (v > stats.max) {
    message = `${shown} is above anything seen in training (max ${formatNumber(stats.max)}); typical ${typical}`;
  } else if (v < stats.min) {
    message = `${shown} is below anything seen in training (min ${formatNumber(stats.min)}); typical ${typical}`;
  }
  return { value: formatNumber(v), typical, message, deviation: Math.abs(z) };
}

/**
 * The capture layer's windowed feature names: `host_fanout_ports_10s`, `pair_rate_1s`, `socket_size_mean_1m`,
 * and for flows `dst_fanin_hosts_1s`, `host_fail_share_10s`, `state_fail_rate_100ms`.
 */
const WINDOWED_NAME =
  /^(host|pair|socket|dst|state)_(rate|size_mean|size_std|gap_mean|gap_std|fanout_ports|fanout_hosts|fanin_hosts|ports|fail_share|fail_rate|app_flags|app_risks)_(\d+)(ms|s|m)$/;
const SCOPES: Record<string, string> = {
  host: 'from this source',
  pair: 'from this source to this destination',
  socket: 'on this connection',
  dst: 'to this destination',
  state: 'across the link',
};
const WINDOW_UNITS: Record<string, string> = { ms: 'ms', s: 's', m: 'min' };

const METRIC_LABELS: Record<string, string> = {
  rate: 'rate',
  size_mean: 'mean size',
  size_std: 'size spread',
  gap_mean: 'mean gap',
  gap_std: 'gap spread',
  fanout_ports: 'destination-port fan-out',
  fanout_hosts: 'destination-host fan-out',
  fanin_hosts: 'source fan-in',
  ports: 'ports reached',
  fail_share: 'failed share',
  fail_rate: 'failed TCP attempts',
  app_flags: 'application red flags',
  app_risks: 'application risk signs',
};

/** What a person calls a field: windowed features by what they measure, everything else as featureLabel() does. */
export function fieldLabel(def: FeatureDef): string {
  const m = def.source.from === 'attribute' ? WINDOWED_NAME.exec(def.source.name) : null;
  if (m === null) return (def.source.from === 'attribute' && FLOW_ATTRIBUTE_LABELS[def.source.name]) || featureLabel(def);
  const [, scope, metric, length, unit] = m;
  const per = scope === 'host' ? 'per source' : scope === 'dst' ? 'per destination' : scope === 'state' ? 'link-wide' : `per ${scope}`;
  return `${METRIC_LABELS[metric]} (${length} ${WINDOW_UNITS[unit]}, ${per})`;
}

/**
 * A windowed feature in words ("fan-out 312 destination ports in 10 s from
 * this source"); undefined for any other attribute, which keeps its own name.
 */
export function windowedPhrase(name: string, value: string): string | undefined {
  const m = WINDOWED_NAME.exec(name);
  if (m === null) return undefined;
  const [, scope, metric, length, unit] = m;
  const window = `${length} ${WINDOW_UNITS[unit]}`;
  const who = SCOPES[scope];
  switch (metric) {
    case 'fanout_ports':
      return `fan-out ${value} destination ports in ${window} ${who}`;
    case 'fanout_hosts':
      return `fan-out ${value} destination hosts in ${window} ${who}`;
    case 'rate':
      return `rate ${value}/s over ${window} ${who}`;
    case 'size_mean':
      return `mean size ${value} bytes over ${window} ${who}`;
    case 'size_std':
      return `size spread ${value} bytes (std) over ${window} ${who}`;
    case 'gap_mean':
      return `mean gap ${value} s between records over ${window} ${who}`;
    case 'fanin_hosts':
      return `fan-in ${value} source hosts in ${window} ${who}`;
    case 'ports':
      return `${value} distinct ports reached in ${window} ${who}`;
    case 'fail_share':
      return `${value} of the connections in ${window} ${who} failed (unanswered or refused)`;
    case 'fail_rate':
      return `${value}/s failed TCP attempts in this state over ${window} ${who}`;
    case 'app_flags':
      return `${value} application red flags (failed logins, injection signs in URIs) in ${window} ${who}`;
    case 'app_risks':
      return `${value} application risk signs (TLS without server name, HTTP or TLS off its port, self-signed certificates, programs over HTTP, encoded DNS TXT answers) in ${window} ${who}`;
    default:
      return `gap spread ${value} s (std) over ${window} ${who}`;
  }
}

const FLOW_ATTRIBUTE_LABELS: Record<string, string> = {
  flow_pkt_rate: 'packet rate (per flow)',
  dns_qname_len: 'DNS query name length',
  dns_qname_entropy: 'DNS query name entropy',
  ...APP_ATTRIBUTE_LABELS,
};

/** Per-flow attributes of the capture layer, by what they measure. */
const FLOW_ATTRIBUTE_PHRASES: Record<string, (value: string) => string> = {
  flow_pkt_rate: (v) => `packet rate ${v}/s within this flow`,
  dns_qname_len: (v) => `DNS query name of ${v} characters`,
  dns_qname_entropy: (v) => `DNS query name entropy ${v} bits per character`,
  ...APP_ATTRIBUTE_PHRASES,
};

/** A capture attribute in words, windowed or per flow; undefined for any other attribute. */
export function capturePhrase(name: string, value: string): string | undefined {
  return windowedPhrase(name, value) ?? FLOW_ATTRIBUTE_PHRASES[name]?.(value);
}

function describeCategorical(def: CategoricalFeatureSpec, record: TrafficRecord, rows: number): FieldDescription {
  const typical = typicalValues(def.categories, def.counts, def.count);
  const v = stringReader(def.source)(record);
  if (v === undefined) return describeMissing(def, rows, typical);
  const label = featureLabel(def);
  const top = def.categories.indexOf(v);
  const rare = top < 0 ? def.rare.indexOf(v) : -1;
  if (top < 0 && rare < 0) {
    const message = `${label} ${v} was never seen in training (typical: ${typical})`;
    return { value: v, typical, message, deviation: surprise(unseenFrequency(rows)) };
  }
  const seen = top >= 0 ? def.counts[top] : def.rareCounts[rare];
  const p = seen / rows;
  const message =
    top >= 0 && p >= 0.05
      ? `${label} ${v} is common (${formatShare(p)} of training)`
      : `${label} ${v} is rare: ${seen} of ${rows} training records (typical: ${typical})`;
  return { value: v, typical, message, deviation: surprise(p) };
}

function describePort(def: PortFeatureSpec, record: TrafficRecord, rows: number): FieldDescription {
  const typical = typicalValues(def.ports, def.counts, def.count);
  const port = readPort(record, def.key);
  if (port !== port) return describeMissingPort(def, record, rows, typical);
  const label = featureLabel(def);
  const top = def.ports.indexOf(port);
  if (top >= 0) {
    const p = def.counts[top] / rows;
    const message = `${label} ${port} is common (${formatShare(p)} of training)`;
    return { value: String(port), typical, message, deviation: surprise(p) };
  }
  const k = portClass(port);
  const nonTop = def.classCounts[k] - def.ports.reduce((s, q, i) => s + (portClass(q) === k ? def.counts[i] : 0), 0);
  if (!portSeen(seenPorts(def), port)) {
    // Good–Turing: how often training met a brand-new port of this class. Random client ports make
    // new ephemeral ports ordinary, while a new well-known port is a real surprise.
    const p = Math.max(def.classSingletons[k], 0.5) / (rows + 1);
    const message = `${label} ${port} was never seen in training (typical: ${typical})`;
    return { value: String(port), typical, message, deviation: surprise(p) };
  }
  const p = nonTop / rows;
  const message =
    `${label} ${port} is uncommon: not a frequent port; ${PORT_CLASSES[k]} ports outside the frequent ones ` +
    `were ${formatShare(p)} of training (typical: ${typical})`;
  return { value: String(port), typical, message, deviation: surprise(p) };
}

const CLASS_WORDS = ['internal', 'external', 'multicast/broadcast'];

function describeAddress(def: AddressFeatureSpec, record: TrafficRecord, rows: number): FieldDescription {
  const majority = def.classCounts.indexOf(Math.max(...def.classCounts));
  const typical = ADDRESS_CLASSES[majority];
  const code = readAddressClass(record, def.key);
  if (code < 0) return describeMissing(def, rows, typical);
  const k = code & 3;
  const ip = String(record[def.key]);
  const label = featureLabel(def);
  const who = def.key === 'srcIp' ? 'sources' : 'destinations';
  const p = def.classCounts[k] / rows;
  const history =
    p > 0 ? `in training ${formatShare(p)} of ${who} were ${CLASS_WORDS[k]}` : `no ${who.slice(0, -1)} in training was ${CLASS_WORDS[k]}`;
  return {
    value: ip,
    typical,
    message: `${label} ${ip} is ${CLASS_WORDS[k]}; ${history}`,
    deviation: surprise(p > 0 ? p : unseenFrequency(rows)),
  };
}

const SIDE_WORDS = [
  'the destination is a frequent service port (a request)',
  'the source is a frequent service port (a response)',
  'both ports are frequent service ports',
  'neither port is a frequent service port',
];

function describeServiceSide(def: ServiceSideFeatureSpec, record: TrafficRecord, spec: FeatureSpec): FieldDescription {
  const rows = spec.rows;
  const majority = def.sideCounts.indexOf(Math.max(...def.sideCounts));
  const typical = SIDE_WORDS[majority];
  const s = readPort(record, 'srcPort');
  const d = readPort(record, 'destPort');
  if (s !== s || d !== d) return describeMissingPort(def, record, rows, typical);
  const side = serviceSide(servicePortTables(spec), s, d);
  const p = def.sideCounts[side] / rows;
  const history = p > 0 ? `${formatShare(p)} of training records were like that` : 'no training record was like that';
  return {
    value: `${s} → ${d}`,
    typical,
    message: `port pair ${s} → ${d}: ${SIDE_WORDS[side]}; ${history}`,
    deviation: surprise(p > 0 ? p : unseenFrequency(rows)),
  };
}

// Per spec, not per record: every anomaly is explained as it is detected, and decoding the
// seen-port bitmaps (8 kB each) and building the service-port tables (128 kB) each time cost
// ~0.2 ms and most of the detection path's garbage. A spec does not change once fitted.
const seenPortBitmaps = new WeakMap<PortFeatureSpec, Uint8Array>();
const servicePortsOfSpec = new WeakMap<FeatureSpec, ServicePorts>();

function seenPorts(def: PortFeatureSpec): Uint8Array {
  let seen = seenPortBitmaps.get(def);
  if (!seen) seenPortBitmaps.set(def, (seen = decodeSeenPorts(def)));
  return seen;
}

function servicePortTables(spec: FeatureSpec): ServicePorts {
  let ports = servicePortsOfSpec.get(spec);
  if (!ports) servicePortsOfSpec.set(spec, (ports = specServicePorts(spec)));
  return ports;
}

/** `z` is the feature's first encoded column (the robust z for numeric features). */
export function describeField(def: FeatureDef, record: TrafficRecord, z: number, spec: FeatureSpec): FieldDescription {
  const rows = spec.rows;
  switch (def.type) {
    case 'numeric':
      return describeNumeric(def, record, z, rows);
    case 'categorical':
      return describeCategorical(def, record, rows);
    case 'port':
      return describePort(def, record, rows);
    case 'address':
      return describeAddress(def, record, rows);
    case 'serviceSide':
      return describeServiceSide(def, record, spec);
    case 'categoricalPair':
      return describePair(def, record, rows);
  }
}
