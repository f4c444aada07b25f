import type { DetectorPlugin, Json, SerializedDetector } from '../../src/detectors/detector.types';
import type { Matrix } from '../../src/detectors/matrix';
import { AppError } from '../../src/errors/app-error';
import { ErrorCode } from '../../src/errors/error-codes';
import { rocAuc } from '../../src/metrics/roc';
import { expectAppError } from './expect-app-error';
import { clusteredWithOutliers, gaussian, type LabelledMatrix } from './synthetic';

/**
 * The checks every detector plugin must pass. testDetector() declares one
 * jest test per check; a plugin may skip a check only by naming it.
 */
export const checks = {
  describe: checkDescribe,
  'default-params': checkDefaultParams,
  'invalid-params': checkInvalidParams,
  'no-input-mutation': checkNoInputMutation,
  'finite-scores': checkFiniteScores,
  'not-fitted': checkNotFitted,
  'dimension-mismatch': checkDimensionMismatch,
  seeded: checkSeeded,
  'round-trip': checkRoundTrip,
  'newer-state-version': checkNewerStateVersion,
  'mangled-state': checkMangledState,
  'roc-auc': checkRocAuc,
  'invalid-training-data': checkInvalidTrainingData,
  explain: checkExplain,
  'partial-fit': checkPartialFit,
} satisfies Record<string, (plugin: DetectorPlugin) => void>;

export type CheckName = keyof typeof checks;

export interface ConformanceOptions {
  skip?: CheckName[];
}

export function testDetector(plugin: DetectorPlugin, options: ConformanceOptions = {}): void {
  describe(`detector conformance: ${plugin.describe().name}`, () => {
    for (const [name, check] of Object.entries(checks)) {
      const declare = options.skip?.includes(name as CheckName) ? it.skip : it;
      declare(name, () => check(plugin));
    }
  });
}

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEED = 7;

/** A seeded mixed set: four Gaussian clusters in 8 dimensions and 5% scattered outliers. */
function trainingSet(): LabelledMatrix {
  return clusteredWithOutliers({ seed: 1, rows: 1000, cols: 8 });
}

function fitted(plugin: DetectorPlugin, X: Matrix = trainingSet().X, seed = SEED) {
  const detector = plugin.create();
  detector.fit(X, { seed });
  return detector;
}

function defaults(plugin: DetectorPlugin): Record<string, unknown> {
  return plugin.paramsSchema.parse({}) as Record<string, unknown>;
}

function checkDescribe(plugin: DetectorPlugin): void {
  const d = plugin.describe();
  expect(d.name).toMatch(KEBAB_CASE);
  expect(d.summary.length).toBeGreaterThan(0);
  expect(Number.isInteger(d.stateVersion) && d.stateVersion >= 1).toBe(true);
  expect(typeof d.capabilities.online).toBe('boolean');
  expect(typeof d.capabilities.explains).toBe('boolean');
  const params = defaults(plugin);
  expect(JSON.parse(JSON.stringify(params))).toEqual(params);
  expect(d.params.map((p) => p.name).sort()).toEqual(Object.keys(params).sort());
  for (const p of d.params) {
    expect(['int', 'float', 'boolean', 'string']).toContain(p.type);
    expect(p.description.length).toBeGreaterThan(0);
    expect(p.default).toEqual(params[p.name]);
    if (p.min !== undefined) expect(p.default).toBeGreaterThanOrEqual(p.min);
    if (p.max !== undefined) expect(p.default).toBeLessThanOrEqual(p.max);
    if (p.choices !== undefined) expect(p.choices).toContain(p.default);
  }
}

function checkDefaultParams(plugin: DetectorPlugin): void {
  const pristine = plugin.describe();
  const edited = plugin.describe();
  edited.params.forEach((p) => (p.default = 'edited'));
  edited.capabilities.online = !edited.capabilities.online;
  expect(plugin.describe()).toEqual(pristine);

  expect(plugin.paramsSchema.parse({})).not.toBe(plugin.paramsSchema.parse({}));
  const first = fitted(plugin);
  const params = first.serialize().params as Record<string, Json>;
  for (const key of Object.keys(params)) params[key] = 'edited';
  expect(first.serialize().params).toEqual(defaults(plugin));
  expect(fitted(plugin).serialize().params).toEqual(defaults(plugin));
  expect(plugin.create({}).name).toBe(pristine.name);
}

function checkInvalidParams(plugin: DetectorPlugin): void {
  const unknown = expectAppError(() => plugin.create({ notAParam: 1 }), ErrorCode.INVALID_DETECTOR_PARAMS);
  expect(unknown.details.param).toBe('notAParam');
  for (const p of plugin.describe().params) {
    const wrong: Json[] = [p.type === 'string' ? 12 : 'twelve'];
    if (p.min !== undefined) wrong.push(p.min - 1);
    if (p.max !== undefined) wrong.push(p.max + 1);
    if (p.type === 'int') wrong.push(Number(p.default) + 0.5);
    if (p.choices !== undefined) wrong.push('not-a-choice');
    for (const value of wrong) {
      const err = expectAppError(() => plugin.create({ [p.name]: value }), ErrorCode.INVALID_DETECTOR_PARAMS);
      expect(err.details.param).toBe(p.name);
    }
  }
}

function checkNoInputMutation(plugin: DetectorPlugin): void {
  const { X } = trainingSet();
  const copy = X.data.slice();
  const detector = plugin.create();
  detector.fit(X, { seed: SEED });
  expect(X.data).toEqual(copy);
  detector.score(X);
  expect(X.data).toEqual(copy);
}

function checkFiniteScores(plugin: DetectorPlugin): void {
  const detector = fitted(plugin);
  for (const X of [trainingSet().X, gaussian(2, 300, 8), { rows: 0, cols: 8, data: new Float64Array(0) }]) {
    const scores = detector.score(X);
    expect(scores).toBeInstanceOf(Float64Array);
    expect(scores).toHaveLength(X.rows);
    expect(scores.every(Number.isFinite)).toBe(true);
  }
}

function checkNotFitted(plugin: DetectorPlugin): void {
  const detector = plugin.create();
  expectAppError(() => detector.score(gaussian(1, 5, 8)), ErrorCode.DETECTOR_NOT_FITTED);
  expectAppError(() => detector.serialize(), ErrorCode.DETECTOR_NOT_FITTED);
}

function checkDimensionMismatch(plugin: DetectorPlugin): void {
  const detector = fitted(plugin);
  expectAppError(() => detector.score(gaussian(1, 5, 7)), ErrorCode.DIMENSION_MISMATCH);
  expectAppError(() => detector.score(gaussian(1, 5, 9)), ErrorCode.DIMENSION_MISMATCH);
  const lying = { rows: 5, cols: 8, data: new Float64Array(39) };
  expectAppError(() => detector.score(lying), ErrorCode.DIMENSION_MISMATCH);
}

function checkSeeded(plugin: DetectorPlugin): void {
  const probe = gaussian(3, 200, 8);
  expect(fitted(plugin).score(probe)).toEqual(fitted(plugin).score(probe));
  expect(fitted(plugin).serialize()).toEqual(fitted(plugin).serialize());
  // A different seed may change the model; it must still produce valid scores.
  expect(fitted(plugin, trainingSet().X, SEED + 1).score(probe).every(Number.isFinite)).toBe(true);
}

function roundTrip(serialized: SerializedDetector): SerializedDetector {
  return JSON.parse(JSON.stringify(serialized)) as SerializedDetector;
}

function checkRoundTrip(plugin: DetectorPlugin): void {
  const { X } = trainingSet();
  const original = fitted(plugin, X);
  const loaded = plugin.load(roundTrip(original.serialize()));
  expect(loaded.name).toBe(plugin.describe().name);
  for (const probe of [X, gaussian(4, 200, 8)]) {
    expect(Buffer.from(loaded.score(probe).buffer)).toEqual(Buffer.from(original.score(probe).buffer));
  }
  expect(loaded.serialize()).toEqual(original.serialize());
}

function checkNewerStateVersion(plugin: DetectorPlugin): void {
  const serialized = roundTrip(fitted(plugin).serialize());
  serialized.stateVersion += 1;
  expectAppError(() => plugin.load(serialized), ErrorCode.UNSUPPORTED_STATE_VERSION);
}

/** Damage that no loader may accept. */
function brokenEnvelopes(good: SerializedDetector): unknown[] {
  return [
    null,
    42,
    { ...good, detector: 'some-other-detector' },
    { ...good, params: { notAParam: 1 } },
    { ...good, state: null },
    { ...good, state: 'garbage' },
    { ...good, state: [] },
  ];
}

/** Damage to one field of the state: a loader must refuse it or still score properly. */
function damagedStates(good: SerializedDetector): SerializedDetector[] {
  const state = good.state;
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return [];
  return Object.entries(state).flatMap(([key, value]) => {
    const variants: Json[] = ['garbage', -1, null];
    if (Array.isArray(value)) variants.push(value.slice(0, Math.floor(value.length / 2)), [...value, 'x']);
    const without = { ...state };
    delete without[key];
    return [without, ...variants.map((v) => ({ ...state, [key]: v }))].map((s) => ({ ...good, state: s }));
  });
}

function checkMangledState(plugin: DetectorPlugin): void {
  const good = roundTrip(fitted(plugin).serialize());
  for (const broken of brokenEnvelopes(good)) {
    expectAppError(() => plugin.load(broken as SerializedDetector), ErrorCode.INVALID_MODEL_STATE);
  }
  const probe = gaussian(5, 50, 8);
  for (const damaged of damagedStates(good)) {
    let scores: Float64Array | undefined;
    try {
      scores = plugin.load(damaged).score(probe);
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe(ErrorCode.INVALID_MODEL_STATE);
    }
    if (scores) expect(scores.every(Number.isFinite)).toBe(true);
  }
}

function checkRocAuc(plugin: DetectorPlugin): void {
  const { X, labels } = trainingSet();
  expect(rocAuc(fitted(plugin, X).score(X), labels)).toBeGreaterThanOrEqual(0.9);
}

function checkInvalidTrainingData(plugin: DetectorPlugin): void {
  const withNaN = gaussian(6, 50, 8);
  withNaN.data[17] = NaN;
  const invalid: Matrix[] = [
    { rows: 0, cols: 8, data: new Float64Array(0) },
    { rows: 50, cols: 0, data: new Float64Array(0) },
    { rows: 50, cols: 8, data: new Float64Array(10) },
    withNaN,
  ];
  for (const X of invalid) {
    expectAppError(() => plugin.create().fit(X, { seed: SEED }), ErrorCode.INVALID_TRAINING_DATA);
  }
}

/** Declared, not discovered: the method exists exactly when the capability says so. */
function checkExplain(plugin: DetectorPlugin): void {
  const detector = fitted(plugin);
  expect(typeof detector.explain === 'function').toBe(plugin.describe().capabilities.explains);
  if (!detector.explain) return;
  const contributions = detector.explain(gaussian(8, 1, 8).data);
  expect(contributions).toHaveLength(8);
  expect(contributions.every(Number.isFinite)).toBe(true);
}

function checkPartialFit(plugin: DetectorPlugin): void {
  const detector = fitted(plugin);
  expect(typeof detector.partialFit === 'function').toBe(plugin.describe().capabilities.online);
  if (!detector.partialFit) return;
  detector.partialFit(gaussian(9, 100, 8));
  expect(detector.score(gaussian(10, 20, 8)).every(Number.isFinite)).toBe(true);
  expectAppError(() => detector.partialFit?.(gaussian(9, 10, 7)), ErrorCode.DIMENSION_MISMATCH);
}
