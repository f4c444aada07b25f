import type { RecordKind } from '../records/traffic-record';

/**
 * Format version of a saved FeatureSpec. Bump when the JSON shape or the
 * meaning of a column changes: a model trained with a newer encoder must not
 * be silently fed rows laid out by an older one.
 */
export const FEATURE_SPEC_VERSION = 2;

export type NumericField = 'packetSize' | 'duration' | 'bytesOut' | 'bytesIn' | 'packetsOut' | 'packetsIn';
export type CategoricalField = 'protocol' | 'tcpFlags' | 'connState' | 'service';
export type PortField = 'srcPort' | 'destPort';
export type AddressField = 'srcIp' | 'destIp';
/** Ratios computed from flow counters; they separate uploads from downloads better than the raw sizes. */
export type DerivedName = 'bytesPerPacketOut' | 'bytesPerPacketIn' | 'inOutByteRatio';

export type NumericSource =
  | { from: 'field'; name: NumericField }
  | { from: 'attribute'; name: string }
  | { from: 'derived'; name: DerivedName };

export type CategoricalSource = { from: 'field'; name: CategoricalField } | { from: 'attribute'; name: string };

/** Raw-space distribution kept for explanations ("typical 120 (IQR 60–900)"). */
export type NumericStats = {
  min: number;
  max: number;
  q01: number;
  q25: number;
  q50: number;
  q75: number;
  q99: number;
};

/**
 * Columns: [scaled value] then [missing indicator] when training had the
 * field only in part of its records. Missing values are imputed with the
 * median, i.e. scaled 0.
 */
export type NumericFeatureSpec = {
  type: 'numeric';
  key: string;
  source: NumericSource;
  /** Training rows that had a usable value / had none. */
  count: number;
  missing: number;
  /** Signed log1p before scaling (chosen for heavy-tailed non-negative data). */
  log: boolean;
  /** Median and robust scale in transformed space. */
  center: number;
  scale: number;
  missingIndicator: boolean;
  stats: NumericStats;
};

/**
 * Columns: one per category, then [other] (seen in training but too rare
 * for a column) if any, [unseen], then [missing] if training had missing values.
 */
export type CategoricalFeatureSpec = {
  type: 'categorical';
  key: string;
  source: CategoricalSource;
  count: number;
  missing: number;
  categories: string[];
  counts: number[];
  /** Remembered below-cut values (bounded); anything else is "unseen". */
  rare: string[];
  rareCounts: number[];
  /** Training rows whose value was not a category (rare ones, remembered or not). */
  otherCount: number;
  /**
   * Absent: one-hot columns as above. 'rarity' (tabular attributes): one
   * column, how surprising the value's training frequency is (surprise() of
   * rarity.ts), so a wide category list costs one dimension and a detector
   * sees "rare" directly instead of a sparse column it seldom splits on.
   */
  encoding?: 'rarity';
};

/** Index into the per-class arrays of a PortFeatureSpec. */
export const PORT_CLASSES = ['well-known', 'registered', 'ephemeral'] as const;

/**
 * Columns: the three port classes, one per frequent port, then [missing]
 * if training had records without this port (ICMP).
 */
export type PortFeatureSpec = {
  type: 'port';
  key: PortField;
  source: { from: 'field'; name: PortField };
  count: number;
  missing: number;
  ports: number[];
  counts: number[];
  classCounts: [number, number, number];
  /** Ports seen exactly once per class: a Good–Turing estimate of how often a new port shows up. */
  classSingletons: [number, number, number];
  /** Base64 bitset of every port seen in training (65,536 bits). */
  seen: string;
};

export const ADDRESS_CLASSES = ['internal', 'external', 'multicast'] as const;

/** Columns: internal, external, multicast/broadcast, ipv6, then [missing] if training had missing/invalid addresses. */
export type AddressFeatureSpec = {
  type: 'address';
  key: AddressField;
  source: { from: 'field'; name: AddressField };
  count: number;
  missing: number;
  classCounts: [number, number, number];
  ipv6: number;
};

/** 0 destination is a frequent port (request), 1 source is (response), 2 both (peer-to-peer, mDNS), 3 neither. */
export const SERVICE_SIDES = ['destination', 'source', 'both', 'neither'] as const;

/**
 * Which end of the conversation uses one of the frequent ports of the two
 * port features. Columns: the four sides, then [missing] if training had
 * portless records. "Neither" (two unknown ports, e.g. an unsolicited
 * connection to a backdoor port) is rare in normal traffic, and a detector
 * could only learn it from a conjunction of many port columns otherwise.
 */
export type ServiceSideFeatureSpec = {
  type: 'serviceSide';
  key: 'serviceSide';
  source: { from: 'derived'; name: 'serviceSide' };
  count: number;
  missing: number;
  /** Training records per side, estimated from a sample of port pairs. */
  sideCounts: [number, number, number, number];
};

/**
 * How often two categorical attributes took their values together in
 * training (tabular profiles). One column: the surprise of the pair's
 * frequency. "pop_3 with 93 reply bytes" is a numeric matter, but "telnet with
 * flag S0" or "smtp over udp" is rare only as a pair, which no single-column
 * rarity shows.
 */
export type CategoricalPairFeatureSpec = {
  type: 'categoricalPair';
  key: string;
  source: { from: 'pair'; names: [string, string] };
  /** Training rows that had both values / lacked one of them. */
  count: number;
  missing: number;
  /** The most frequent pairs seen at least twice, most frequent first; any other pair counts as unseen. */
  pairs: [string, string][];
  counts: number[];
};

export type FeatureDef =
  | NumericFeatureSpec
  | CategoricalFeatureSpec
  | PortFeatureSpec
  | AddressFeatureSpec
  | ServiceSideFeatureSpec
  | CategoricalPairFeatureSpec;

/** JSON-safe: saved next to every model so scoring encodes exactly like training did. */
export type FeatureSpec = {
  version: number;
  kind: RecordKind;
  /** Training records the spec was fitted on. */
  rows: number;
  features: FeatureDef[];
};
