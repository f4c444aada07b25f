import { builtinDetectors } from '../../src/detectors/builtin';
import type { DetectorPlugin, SerializedDetector } from '../../src/detectors/detector.types';
import type { EnsembleState } from '../../src/detectors/ensemble/ensemble.detector';
import { parseMembers } from '../../src/detectors/ensemble/member-spec';
import { hbos } from '../../src/detectors/hbos';
import { isolationForest } from '../../src/detectors/isolation-forest';
import { ErrorCode } from '../../src/errors/error-codes';
import { expectAppError } from './expect-app-error';
import { clusteredWithOutliers, gaussian } from './synthetic';

const ensemble = builtinDetectors.find((p) => p.describe().name === 'ensemble') as DetectorPlugin;
const { X } = clusteredWithOutliers({ seed: 1, rows: 600, cols: 5 });

function fitted(params: object = {}) {
  const detector = ensemble.create(params);
  detector.fit(X, { seed: 11 });
  return detector;
}

describe('ensemble members param', () => {
  it('reads names with optional key=value params', () => {
    expect(parseMembers(' hbos , isolation-forest(nEstimators=200, maxSamples = 64), knn-distance(aggregate=kth)')).toEqual([
      { name: 'hbos', params: {} },
      { name: 'isolation-forest', params: { nEstimators: 200, maxSamples: 64 } },
      { name: 'knn-distance', params: { aggregate: 'kth' } },
    ]);
  });

  it.each([
    ['', 'at least one member'],
    ['hbos,,isolation-forest', 'empty'],
    ['hbos(bins=3', 'parentheses'],
    ['hbos(bins)', 'key=value'],
    ['hbos(bins=3, bins=4)', 'twice'],
    ['lof', 'unknown member "lof"'],
    ['hbos(bins=1)', 'hbos: bins'],
    ['hbos(notAParam=1)', 'hbos: notAParam'],
    ['isolation-forest, knn-distance', 'explains itself'],
    [Array(9).fill('hbos').join(','), 'at most 8'],
  ])('refuses %j, naming the members param', (members, message) => {
    const err = expectAppError(() => ensemble.create({ members }), ErrorCode.INVALID_DETECTOR_PARAMS);
    expect(err.details.param).toBe('members');
    expect(err.message).toContain(message);
  });
});

describe('ensemble', () => {
  it('averages member scores normalized to 0 at their training median and 1 at their 99th percentile', () => {
    const detector = fitted({ members: 'hbos, isolation-forest', combine: 'mean' });
    const state = detector.serialize().state as EnsembleState;
    const members = state.members.map((m) => (m.detector === 'hbos' ? hbos : isolationForest).load(m as unknown as SerializedDetector));
    const probe = gaussian(3, 40, 5);
    const raw = members.map((m) => m.score(probe));
    const expected = probe.data.subarray(0, 40).map((_, r) =>
      raw.reduce((sum, s, i) => sum + (s[r] - state.scales[i].center) / state.scales[i].spread, 0) / raw.length,
    );
    const scores = detector.score(probe);
    scores.forEach((s, r) => expect(s).toBeCloseTo(expected[r], 12));
    const max = fitted({ members: 'hbos, isolation-forest', combine: 'max' }).score(probe);
    max.forEach((s, r) => expect(s).toBeGreaterThanOrEqual(scores[r] - 1e-12));
  });

  it('gives each member its own seed, so two members of one kind differ', () => {
    const state = fitted({ members: 'hbos, isolation-forest, isolation-forest' }).serialize().state as EnsembleState;
    expect(state.members[1].state).not.toEqual(state.members[2].state);
  });

  it('explains through its self-explaining members, on their normalized scale', () => {
    const detector = fitted({ members: 'hbos, isolation-forest' });
    const state = detector.serialize().state as EnsembleState;
    const member = hbos.load(state.members[0] as unknown as SerializedDetector);
    const row = gaussian(4, 1, 5).data;
    const expected = member.explain!(row).map((c) => c / state.scales[0].spread / 2);
    detector.explain!(row).forEach((c, i) => expect(c).toBeCloseTo(expected[i], 12));
  });

  it('refuses saved members that do not match its members param', () => {
    const saved = fitted({ members: 'hbos, isolation-forest' }).serialize();
    const state = saved.state as EnsembleState;
    const swapped = { ...state, members: [state.members[1], state.members[0]] };
    expectAppError(() => ensemble.load({ ...saved, state: swapped }), ErrorCode.INVALID_MODEL_STATE);
    const other = { ...saved, params: { ...(saved.params as object), members: 'hbos, isolation-forest(nEstimators=50)' } };
    expectAppError(() => ensemble.load(other), ErrorCode.INVALID_MODEL_STATE);
  });
});
