import { builtinDetectors } from '../../src/detectors/builtin';
import type { DetectorPlugin, SerializedDetector } from '../../src/detectors/detector.types';
import type { EnsembleState } from '../../src/detectors/ensemble/ensemble.detector';
import { fitTailScale, tailSurprise } from '../../src/detectors/ensemble/tail-scale';
import { hbos } from '../../src/detectors/hbos';
import { isolationForest } from '../../src/detectors/isolation-forest';
import { ErrorCode } from '../../src/errors/error-codes';
import { expectAppError } from './expect-app-error';
import { clusteredWithOutliers, gaussian } from './synthetic';

const ensemble = builtinDetectors.find((p) => p.describe().name === 'ensemble') as DetectorPlugin;
const { X } = clusteredWithOutliers({ seed: 5, rows: 600, cols: 5 });

describe('tail scale', () => {
  const scores = Float64Array.from({ length: 1001 }, (_, i) => i);
  const scale = fitTailScale(scores);

  it('reads −ln of the share of training scores at least as high', () => {
    expect(tailSurprise(scale, 0)).toBeCloseTo(0, 10);
    expect(tailSurprise(scale, 500)).toBeCloseTo(Math.log(2), 6);
    expect(tailSurprise(scale, 990)).toBeCloseTo(Math.log(100), 6);
    expect(tailSurprise(scale, -5)).toBe(0);
  });

  it('goes on growing past the 99th percentile, so a far outlier outranks a near one', () => {
    const near = tailSurprise(scale, 1000);
    const far = tailSurprise(scale, 5000);
    expect(near).toBeGreaterThan(Math.log(100));
    expect(far).toBeGreaterThan(near);
  });

  it('gives a run of equal scores the middle of the share it holds', () => {
    const flat = fitTailScale(Float64Array.from({ length: 100 }, (_, i) => (i < 50 ? 0 : i)));
    const surprise = tailSurprise(flat, 0);
    expect(surprise).toBeGreaterThan(0);
    expect(surprise).toBeLessThan(Math.log(2));
  });
});

describe('ensemble tail-sum (the default combination)', () => {
  it('scores the mean of its members’ tail surprises', () => {
    const detector = ensemble.create({ members: 'hbos, isolation-forest' });
    detector.fit(X, { seed: 3 });
    const serialized = detector.serialize();
    expect(serialized.params).toMatchObject({ combine: 'tail-sum' });
    const state = serialized.state as EnsembleState;
    const members = state.members.map((m) => (m.detector === 'hbos' ? hbos : isolationForest).load(m as unknown as SerializedDetector));
    const probe = gaussian(4, 30, 5);
    const expected = new Float64Array(probe.rows);
    members.forEach((m, i) => m.score(probe).forEach((v, r) => (expected[r] += tailSurprise(state.tails![i], v) / members.length)));
    const actual = detector.score(probe);
    actual.forEach((v, r) => expect(v).toBeCloseTo(expected[r], 10));
  });

  it('loads a model saved with the former defaults (mean of spread-normalized scores, no tail scales) and scores as before', () => {
    const former = ensemble.create({ members: 'hbos(bins=100), isolation-forest, isolation-forest', combine: 'mean' });
    former.fit(X, { seed: 9 });
    const saved = JSON.parse(JSON.stringify(former.serialize())) as SerializedDetector;
    expect((saved.state as EnsembleState).tails).toBeUndefined();
    const probe = gaussian(6, 20, 5);
    expect(Array.from(ensemble.load(saved).score(probe))).toEqual(Array.from(former.score(probe)));
  });

  it('refuses a saved state whose tail scales disagree with its combine param', () => {
    const detector = ensemble.create({ members: 'hbos, isolation-forest' });
    detector.fit(X, { seed: 3 });
    const saved = JSON.parse(JSON.stringify(detector.serialize())) as SerializedDetector & { params: { combine: string } };
    saved.params.combine = 'mean';
    expectAppError(() => ensemble.load(saved), ErrorCode.INVALID_MODEL_STATE);
  });
});
