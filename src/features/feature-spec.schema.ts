import { z } from 'zod';
import type { Json } from '../detectors/detector.types';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { FEATURE_SPEC_VERSION, type FeatureDef, type FeatureSpec } from './feature-spec.types';
import { PORT_BITSET_BYTES, PORT_COUNT } from './port.features';

const count = z.number().int().nonnegative();
const triple = z.tuple([count, count, count]);
const attributeSource = z.object({ from: z.literal('attribute'), name: z.string() });

const numericSource = z.discriminatedUnion('from', [
  z.object({
    from: z.literal('field'),
    name: z.enum(['packetSize', 'duration', 'bytesOut', 'bytesIn', 'packetsOut', 'packetsIn']),
  }),
  attributeSource,
  z.object({ from: z.literal('derived'), name: z.enum(['bytesPerPacketOut', 'bytesPerPacketIn', 'inOutByteRatio']) }),
]);

const categoricalSource = z.discriminatedUnion('from', [
  z.object({ from: z.literal('field'), name: z.enum(['protocol', 'tcpFlags', 'connState', 'service']) }),
  attributeSource,
]);

const numericFeature = z.object({
  type: z.literal('numeric'),
  key: z.string(),
  source: numericSource,
  count,
  missing: count,
  log: z.boolean(),
  center: z.number(),
  scale: z.number().positive(),
  missingIndicator: z.boolean(),
  stats: z.object({
    min: z.number(),
    max: z.number(),
    q01: z.number(),
    q25: z.number(),
    q50: z.number(),
    q75: z.number(),
    q99: z.number(),
  }),
});

const categoricalFeature = z.object({
  type: z.literal('categorical'),
  key: z.string(),
  source: categoricalSource,
  count,
  missing: count,
  categories: z.array(z.string()),
  counts: z.array(count),
  rare: z.array(z.string()),
  rareCounts: z.array(count),
  otherCount: count,
  encoding: z.literal('rarity').optional(),
});

const categoricalPairFeature = z.object({
  type: z.literal('categoricalPair'),
  key: z.string(),
  source: z.object({ from: z.literal('pair'), names: z.tuple([z.string(), z.string()]) }),
  count,
  missing: count,
  pairs: z.array(z.tuple([z.string(), z.string()])),
  counts: z.array(count),
});

const portField = z.enum(['srcPort', 'destPort']);
const portFeature = z.object({
  type: z.literal('port'),
  key: portField,
  source: z.object({ from: z.literal('field'), name: portField }),
  count,
  missing: count,
  ports: z.array(z.number().int().min(0).max(PORT_COUNT - 1)),
  counts: z.array(count),
  classCounts: triple,
  classSingletons: triple,
  seen: z.base64(),
});

const addressField = z.enum(['srcIp', 'destIp']);
const addressFeature = z.object({
  type: z.literal('address'),
  key: addressField,
  source: z.object({ from: z.literal('field'), name: addressField }),
  count,
  missing: count,
  classCounts: triple,
  ipv6: count,
});

const serviceSideFeature = z.object({
  type: z.literal('serviceSide'),
  key: z.literal('serviceSide'),
  source: z.object({ from: z.literal('derived'), name: z.literal('serviceSide') }),
  count,
  missing: count,
  sideCounts: z.tuple([count, count, count, count]),
});

const featureSpecSchema: z.ZodType<FeatureSpec> = z.object({
  version: z.number().int().positive(),
  kind: z.enum(['packet', 'flow', 'tabular']),
  rows: count,
  features: z.array(
    z.discriminatedUnion('type', [numericFeature, categoricalFeature, portFeature, addressFeature, serviceSideFeature, categoricalPairFeature]),
  ),
});

/** Cross-field rules zod cannot express per field; a spec breaking them would encode rows inconsistently. */
function consistencyProblem(def: FeatureDef): string | null {
  switch (def.type) {
    case 'categorical': {
      if (def.counts.length !== def.categories.length || def.rareCounts.length !== def.rare.length) {
        return 'counts do not match values';
      }
      const all = [...def.categories, ...def.rare];
      return new Set(all).size === all.length ? null : 'duplicate category';
    }
    case 'port':
      if (def.counts.length !== def.ports.length) return 'counts do not match ports';
      if (new Set(def.ports).size !== def.ports.length) return 'duplicate port';
      return Buffer.from(def.seen, 'base64').length === PORT_BITSET_BYTES ? null : 'seen-port bitset has the wrong size';
    case 'numeric':
      return Number.isFinite(def.scale) ? null : 'scale must be finite';
    case 'address':
    case 'serviceSide':
      return null;
    case 'categoricalPair': {
      if (def.counts.length !== def.pairs.length) return 'counts do not match pairs';
      const keys = def.pairs.map((pair) => JSON.stringify(pair));
      return new Set(keys).size === keys.length ? null : 'duplicate pair';
    }
  }
}

function specProblem(spec: FeatureSpec): string | null {
  if (spec.features.length === 0) return 'no features';
  const keys = spec.features.map((f) => f.key);
  if (new Set(keys).size !== keys.length) return 'duplicate feature key';
  const hasPorts = keys.includes('srcPort') && keys.includes('destPort');
  return keys.includes('serviceSide') && !hasPorts ? 'serviceSide needs both port features' : null;
}

function invalid(message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(ErrorCode.INVALID_FEATURE_SPEC, `Invalid feature spec: ${message}`, details);
}

/**
 * Validates a spec loaded from storage. A spec written by a newer version is
 * refused rather than guessed at: its columns may mean something else.
 */
export function parseFeatureSpec(json: unknown): FeatureSpec {
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > FEATURE_SPEC_VERSION) {
    throw new AppError(
      ErrorCode.UNSUPPORTED_STATE_VERSION,
      `Feature spec version ${version} is newer than supported version ${FEATURE_SPEC_VERSION}`,
      { version, supported: FEATURE_SPEC_VERSION },
    );
  }
  const parsed = featureSpecSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? ` at ${first.path.join('.')}` : '';
    throw invalid(`${first?.message ?? 'malformed'}${where}`, { issues: parsed.error.issues });
  }
  for (const def of parsed.data.features) {
    const problem = consistencyProblem(def);
    if (problem !== null) throw invalid(`${def.key}: ${problem}`, { feature: def.key });
  }
  const problem = specProblem(parsed.data);
  if (problem !== null) throw invalid(problem);
  return parsed.data;
}

/** A spec is plain data; this only states that to the type system for storage APIs taking Json. */
export function featureSpecToJson(spec: FeatureSpec): Json {
  return spec;
}
