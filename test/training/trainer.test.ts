import { createDefaultRegistry } from '../../src/detectors/builtin';
import { AppError } from '../../src/errors/app-error';
import { FeatureEncoder } from '../../src/features';
import type { TrafficRecord } from '../../src/records/traffic-record';
import { generateHomeNetworkTraffic } from '../../src/sample/home-network.generator';
import { effectiveContamination, train, type RecordSource } from '../../src/training/trainer';

const registry = createDefaultRegistry();

function chunked(records: TrafficRecord[], size = 1000): RecordSource {
  return async function* () {
    for (let i = 0; i < records.length; i += size) yield records.slice(i, i + size);
  };
}

describe('train', () => {
  const sample = generateHomeNetworkTraffic({ seed: 7, count: 5000 });

  it('fits each detector and sets its threshold at the contamination quantile of the training scores', async () => {
    const progress: number[] = [];
    const models = await train(chunked(sample), {
      kind: 'packet',
      detectors: [{ name: 'isolation-forest' }, { name: 'knn-distance', params: { k: 5 } }],
      contamination: 0.02,
      seed: 1,
      registry,
      expectedRows: sample.length,
      onProgress: (f) => {
        progress.push(f);
      },
    });
    expect(models.map((m) => m.detector)).toEqual(['isolation-forest', 'knn-distance']);
    for (const m of models) {
      const detector = registry.load(m.state);
      const scores = detector.score(new FeatureEncoder(m.featureSpec).transform(sample));
      const flagged = scores.filter((s) => s >= m.threshold).length / scores.length;
      expect(flagged).toBeGreaterThan(0.01);
      expect(flagged).toBeLessThan(0.03);
      expect(m.metrics).toMatchObject({ rows: 5000, fitRows: 5000, contamination: 0.02, labeledRows: 0 });
      expect(m.metrics.rocAuc).toBeUndefined();
    }
    expect(models[1].params).toMatchObject({ k: 5 });
    expect(progress.length).toBeGreaterThan(3);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('is reproducible for a seed', async () => {
    const opts = { kind: 'packet' as const, detectors: [{ name: 'isolation-forest' }], contamination: 0.01, seed: 3, registry };
    const [a] = await train(chunked(sample), opts);
    const [b] = await train(chunked(sample), opts);
    expect(JSON.stringify(a.state)).toBe(JSON.stringify(b.state));
    expect(a.threshold).toBe(b.threshold);
  });

  it('measures ROC-AUC and average precision when the records carry labels', async () => {
    const labelled = sample.map((r, i) =>
      i % 500 === 0
        ? { ...r, srcIp: '203.0.113.9', destPort: 4444 + i, packetSize: 60000, label: 'attack' }
        : { ...r, label: 'normal' },
    );
    const [m] = await train(chunked(labelled), { kind: 'packet', detectors: [{ name: 'knn-distance' }], contamination: 0.02, seed: 1, registry });
    expect(m.metrics.labeledRows).toBe(5000);
    expect(m.metrics.rocAuc).toBeGreaterThan(0.9);
    expect(m.metrics.averagePrecision).toBeGreaterThan(0.5);
  });

  it('fits on a bounded uniform sample but calibrates on every row', async () => {
    const [m] = await train(chunked(sample), {
      kind: 'packet', detectors: [{ name: 'isolation-forest' }], contamination: 0.01, seed: 1, registry, fitSampleSize: 500,
    });
    expect(m.metrics).toMatchObject({ rows: 5000, fitRows: 500 });
  });

  it('refuses unknown detectors before reading anything', async () => {
    let read = false;
    const source: RecordSource = async function* () {
      read = true;
      yield sample;
    };
    await expect(train(source, { kind: 'packet', detectors: [{ name: 'nope' }], contamination: 0.01, seed: 1, registry })).rejects.toMatchObject({ code: 'UNKNOWN_DETECTOR' });
    expect(read).toBe(false);
  });

  it('refuses an empty source with INVALID_TRAINING_DATA', async () => {
    const err = await train(chunked([]), { kind: 'packet', detectors: [{ name: 'isolation-forest' }], contamination: 0.01, seed: 1, registry }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('INVALID_TRAINING_DATA');
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by user'));
    await expect(
      train(chunked(sample), { kind: 'packet', detectors: [{ name: 'isolation-forest' }], contamination: 0.01, seed: 1, registry, signal: controller.signal }),
    ).rejects.toThrow('cancelled by user');
  });
});

describe('effectiveContamination', () => {
  it('turns an alert budget into a fraction of the training rate', () => {
    // 10,000 rows over one day, 50 alerts a day → 0.5%.
    expect(effectiveContamination({ contamination: 0.1, alertsPerDay: 50 }, 10_000, 86_400_000)).toBeCloseTo(0.005);
  });

  it('falls back to contamination without a budget or a time span', () => {
    expect(effectiveContamination({ contamination: 0.1 }, 10_000, 86_400_000)).toBe(0.1);
    expect(effectiveContamination({ contamination: 0.1, alertsPerDay: 5 }, 10_000, 0)).toBe(0.1);
  });
});
