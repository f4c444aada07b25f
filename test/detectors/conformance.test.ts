import { builtinDetectors } from '../../src/detectors/builtin';
import type { Detector, DetectorPlugin } from '../../src/detectors/detector.types';
import { isolationForest } from '../../src/detectors/isolation-forest';
import { checks, testDetector } from './conformance';

// Every built-in detector gets every check; nobody has to remember to add one.
for (const plugin of builtinDetectors) testDetector(plugin);

/** A working plugin whose detectors (or only its loaded ones) are altered by `change`, to prove a check catches the fault. */
function broken(change: (d: Detector) => Partial<Detector>, onlyLoaded = false): DetectorPlugin {
  const wrap = (d: Detector): Detector => ({
    name: d.name,
    fit: (X, o) => d.fit(X, o),
    score: (X) => d.score(X),
    serialize: () => d.serialize(),
    ...change(d),
  });
  return {
    ...isolationForest,
    create: (p) => (onlyLoaded ? isolationForest.create(p) : wrap(isolationForest.create(p))),
    load: (s) => wrap(isolationForest.load(s)),
  };
}

describe('the conformance checks catch faulty detectors', () => {
  const faults: [keyof typeof checks, DetectorPlugin][] = [
    [
      'no-input-mutation',
      broken((d) => ({
        fit: (X, o) => {
          d.fit(X, o);
          X.data.fill(0);
        },
      })),
    ],
    ['finite-scores', broken((d) => ({ score: (X) => d.score(X).map((s, i) => (i === 0 ? NaN : s)) }))],
    ['seeded', broken((d) => ({ fit: (X) => d.fit(X, { seed: Math.random() * 1e9 }) }))],
    ['round-trip', broken((d) => ({ score: (X) => d.score(X).map((s) => s * (1 + 2 ** -52)) }), true)],
    ['roc-auc', broken((d) => ({ score: (X) => d.score(X).map((s) => -s) }))],
    ['explain', broken(() => ({ explain: (row) => row }))],
    ['describe', { ...isolationForest, describe: () => ({ ...isolationForest.describe(), name: 'Isolation_Forest' }) }],
    [
      'mangled-state',
      {
        ...isolationForest,
        load: (s) => {
          (s.state as unknown as { cols: { x: number } }).cols.x; // what a careless loader does
          return isolationForest.load(s);
        },
      },
    ],
  ];
  it.each(faults)('%s fails a detector that breaks it', (name, plugin) => {
    expect(() => checks[name](plugin)).toThrow();
  });
});
