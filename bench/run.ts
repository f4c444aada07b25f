/**
 * `npm run bench [section...]`: prints one table per section. Sections: detectors,
 * features, capture, graphql, train, live, soak (graphql, train, live and soak run the built server; `npm run bench` builds first).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

type Section = () => Promise<object[]>;

const sections: Record<string, () => Promise<Section>> = {
  detectors: async () => (await import('./detectors.bench.js')).benchDetectors as Section,
  features: async () => (await import('./features.bench.js')).benchFeatures as Section,
  capture: async () => (await import('./capture.bench.js')).benchCapture as Section,
  graphql: async () => (await import('./graphql.bench.js')).benchGraphql as Section,
  train: async () => (await import('./train.bench.js')).benchTrain as Section,
  live: async () => (await import('./live.bench.js')).benchLive as Section,
  soak: async () => (await import('./soak.bench.js')).benchSoak as Section,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(sections);
  for (const name of names) {
    const load = sections[name];
    if (!load) throw new Error(`Unknown section "${name}"; known: ${Object.keys(sections).join(', ')}`);
    if (['graphql', 'train', 'live', 'soak'].includes(name) && !existsSync(path.resolve(__dirname, '../dist/cli/main.js'))) {
      throw new Error('Run `npm run build` before the graphql section');
    }
    console.log(`\n## ${name}`);
    console.table(await (await load())());
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
