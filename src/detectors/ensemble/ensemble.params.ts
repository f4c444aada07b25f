import { z } from 'zod';
import type { DetectorPlugin, Json } from '../detector.types';
import { parseMembers } from './member-spec';

/**
 * The tabular default, chosen by `npm run eval` (README, "Detection quality"):
 * two k-nearest-neighbour members, each on its own seeded sample of 512
 * training rows, measuring distance in training quantiles (every column
 * weighs alike, so NSL-KDD's dozens of mostly-zero rates cannot drown the
 * rest) plus a tenth of the distance in encoded units (which keeps ODDS smtp's
 * tight byte-count mode and ODDS http's outlying cluster apart). k = 40, 8% of
 * the sample, so a cluster of attacks in the training data cannot make its
 * own members look ordinary. Empirical tails adds the per-column view and
 * explains the score.
 */
const QUANTILE_KNN = 'knn-distance(scale=rank, metric=manhattan, encodedWeight=0.1, maxSamples=512, k=40)';
export const DEFAULT_MEMBERS = `${QUANTILE_KNN}, ${QUANTILE_KNN}, empirical-tails`;
const MAX_MEMBERS = 8;

/** A member with its params validated by its own plugin. */
export interface ResolvedMember {
  plugin: DetectorPlugin;
  params: Json;
}

/** The params schema depends on which plugins may be members, so it is built with them. */
export function ensembleParams(plugins: ReadonlyMap<string, DetectorPlugin>) {
  return z.strictObject({
    members: z
      .string()
      .superRefine((text, ctx) => {
        const resolved = resolveMembers(text, plugins);
        if (typeof resolved === 'string') ctx.addIssue({ code: 'custom', message: resolved });
      })
      .default(DEFAULT_MEMBERS)
      .describe(
        `Member detectors with their params, e.g. "hbos, isolation-forest(nEstimators=200)"; at least one must explain itself. Known: ${[...plugins.keys()].join(', ')}.`,
      ),
    combine: z
      .enum(['mean', 'max', 'tail-sum', 'tail-max'])
      .default('tail-sum')
      .describe(
        'How member scores combine: mean or max of scores normalized to 0 at their training median and 1 at their 99th percentile; tail-sum or tail-max of tail surprises, −ln of the share of training rows a member scored at least as high (extended past its 99th percentile).',
      ),
  });
}

export type EnsembleParams = z.infer<ReturnType<typeof ensembleParams>>;

/** The members of a `members` string, or why it names none usable. */
export function resolveMembers(text: string, plugins: ReadonlyMap<string, DetectorPlugin>): ResolvedMember[] | string {
  const specs = parseMembers(text);
  if (typeof specs === 'string') return specs;
  if (specs.length > MAX_MEMBERS) return `at most ${MAX_MEMBERS} members`;
  const resolved: ResolvedMember[] = [];
  for (const spec of specs) {
    const plugin = plugins.get(spec.name);
    if (plugin === undefined) return `unknown member "${spec.name}"; known: ${[...plugins.keys()].join(', ')}`;
    const parsed = plugin.paramsSchema.safeParse(spec.params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
      return `${spec.name}: ${where ? `${where}: ` : ''}${issue.message}`;
    }
    resolved.push({ plugin, params: parsed.data as Json });
  }
  // The explanation of an ensemble score comes from its members: without one that explains, there would be none.
  if (!resolved.some((m) => m.plugin.describe().capabilities.explains)) {
    const explaining = [...plugins.values()].filter((p) => p.describe().capabilities.explains).map((p) => p.describe().name);
    return `include at least one member that explains itself (${explaining.join(', ')})`;
  }
  return resolved;
}
