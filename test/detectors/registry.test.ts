import { builtinDetectors, createDefaultRegistry } from '../../src/detectors/builtin';
import type { DetectorPlugin } from '../../src/detectors/detector.types';
import { isolationForest } from '../../src/detectors/isolation-forest';
import { DetectorRegistry } from '../../src/detectors/registry';
import { ErrorCode } from '../../src/errors/error-codes';
import { expectAppError } from './expect-app-error';
import { gaussian } from './synthetic';

function renamed(name: string): DetectorPlugin {
  return { ...isolationForest, describe: () => ({ ...isolationForest.describe(), name }) };
}

describe('DetectorRegistry', () => {
  it('registers every built-in detector by default', () => {
    const registry = createDefaultRegistry();
    expect(registry.list().map((d) => d.name)).toEqual(builtinDetectors.map((p) => p.describe().name));
    expect(registry.has('isolation-forest')).toBe(true);
    expect(registry.get('knn-distance')).toBe(builtinDetectors[1]);
  });

  it('refuses a second plugin under the same name', () => {
    const registry = new DetectorRegistry().register(isolationForest);
    const err = expectAppError(() => registry.register(renamed('isolation-forest')), ErrorCode.DETECTOR_ALREADY_REGISTERED);
    expect(err.details.detector).toBe('isolation-forest');
  });

  it('refuses plugins that lack a method, a zod schema, a working describe() or a kebab-case name', () => {
    const { create: _create, ...withoutCreate } = isolationForest;
    const invalid: unknown[] = [
      null,
      withoutCreate,
      { ...isolationForest, paramsSchema: {} },
      { ...isolationForest, describe: () => { throw new Error('boom'); } },
      renamed('Isolation_Forest'),
      renamed(''),
    ];
    for (const plugin of invalid) {
      expectAppError(() => new DetectorRegistry().register(plugin as DetectorPlugin), ErrorCode.DETECTOR_INVALID_PLUGIN);
    }
  });

  it('names the known detectors when asked for an unknown one', () => {
    const registry = createDefaultRegistry();
    for (const lookup of [() => registry.get('lof'), () => registry.create('lof'), () => registry.validateParams('lof')]) {
      const err = expectAppError(lookup, ErrorCode.UNKNOWN_DETECTOR);
      const known = builtinDetectors.map((p) => p.describe().name);
      expect(err.message).toContain(known.join(', '));
      expect(err.details.known).toEqual(known);
    }
  });

  it('validates params naming the offending one, and fills in defaults', () => {
    const registry = createDefaultRegistry();
    const err = expectAppError(() => registry.create('isolation-forest', { nEstimators: 0 }), ErrorCode.INVALID_DETECTOR_PARAMS);
    expect(err.details.param).toBe('nEstimators');
    expect(err.message).toContain('nEstimators');
    expect(registry.validateParams('knn-distance', { k: 3 })).toEqual({
      k: 3,
      aggregate: 'mean',
      maxSamples: 4096,
      metric: 'euclidean',
      scale: 'none',
      encodedWeight: 0,
    });
    expectAppError(() => registry.validateParams('knn-distance', { K: 3 }), ErrorCode.INVALID_DETECTOR_PARAMS);
  });

  it('loads a saved model with the plugin that wrote it', () => {
    const registry = createDefaultRegistry();
    const X = gaussian(1, 200, 4);
    const detector = registry.create('knn-distance', { k: 3 });
    detector.fit(X, { seed: 1 });
    const loaded = registry.load(JSON.parse(JSON.stringify(detector.serialize())));
    expect(loaded.name).toBe('knn-distance');
    expect(loaded.score(X)).toEqual(detector.score(X));
  });

  it('refuses to load what is not a saved model, or one of an unknown detector', () => {
    const registry = createDefaultRegistry();
    for (const garbage of [null, 'model', { detector: 'isolation-forest' }]) {
      expectAppError(() => registry.load(garbage), ErrorCode.INVALID_MODEL_STATE);
    }
    const foreign = { detector: 'lof', stateVersion: 1, params: {}, state: {} };
    expectAppError(() => registry.load(foreign), ErrorCode.UNKNOWN_DETECTOR);
  });
});
