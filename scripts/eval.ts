/**
 * `npm run eval -- [dataDir] [--out DIR] [--sets nsl-kdd,odds-http,...] [--seed N] [--no-windowed]`
 *
 * Measures detection quality on the labelled data in ../shared/data (or
 * dataDir): every built-in detector, the profile's default detectors and the
 * old tool's pipeline, trained and scored in one run. Writes DIR/report.md and
 * DIR/roc.svg and prints the tables. Never part of `npm test`: it needs the data and minutes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDefaultRegistry } from '../src/detectors/builtin';
import { evaluateSet, type SetResult } from '../src/eval/harness';
import { markdownReport, pcapTable, setsTable, targetsList } from '../src/eval/report';
import { rocSvg } from '../src/eval/roc-svg';
import { SET_LOADERS } from '../src/eval/sets';
import { DEFAULT_DETECTORS_BY_KIND } from '../src/profiles/profile.service';
import { checkTargets } from '../src/eval/targets';

const REPORTED = [
  { name: 'isolation-forest' },
  { name: 'knn-distance' },
  { name: 'hbos' },
  { name: 'half-space-trees' },
  { name: 'ensemble' },
  { name: 'empirical-tails' },
  // The same detector letting the most surprising column decide: best on the pcaps, worst under drift (CTU).
  { name: 'empirical-tails', params: { combine: 'max' } },
];
const PROFILE_KINDS = { packet: 'PACKET', flow: 'FLOW', tabular: 'TABULAR' } as const;
/** The profile default (schema default of Profile.contamination). */
const CONTAMINATION = 0.01;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'eval-report' },
      sets: { type: 'string', default: Object.keys(SET_LOADERS).join(',') },
      seed: { type: 'string', default: '42' },
      'no-windowed': { type: 'boolean', default: false },
    },
  });
  const dataDir = resolve(positionals[0] ?? join(process.cwd(), '..', 'shared', 'data'));
  const seed = Number(values.seed);
  const ids = values.sets.split(',').map((s) => s.trim());
  const unknown = ids.filter((id) => !(id in SET_LOADERS));
  if (unknown.length > 0) throw new Error(`unknown sets: ${unknown.join(', ')}; known: ${Object.keys(SET_LOADERS).join(', ')}`);
  const registry = createDefaultRegistry();
  const started = performance.now();
  const results: SetResult[] = [];
  for (const id of ids) {
    const t0 = performance.now();
    const sets = await SET_LOADERS[id](dataDir, { seed, windowed: !values['no-windowed'] });
    for (const set of sets) {
      const result = await evaluateSet(set, { registry, seed, contamination: CONTAMINATION, detectors: REPORTED, profile: (kind) => DEFAULT_DETECTORS_BY_KIND[PROFILE_KINDS[kind]] });
      results.push(result);
      const profile = result.rows.find((r) => r.role === 'profile')!;
      console.error(`${set.name}: profile ROC-AUC ${profile.metrics.rocAuc.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  }
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(join(out, 'roc.svg'), rocSvg(results));
  writeFileSync(join(out, 'report.md'), markdownReport(results, { dataDir, seed, contamination: CONTAMINATION, seconds, rocImage: 'roc.svg' }));
  console.log(`${setsTable(results)}\n\n${pcapTable(results)}\n\n${targetsList(results)}\n\nReport: ${join(out, 'report.md')}`);
  if (checkTargets(results).some((c) => !c.met)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
