import { createDefaultRegistry } from '../../src/detectors/builtin';
import type { RecordKind } from '../../src/records/traffic-record';
import { evaluateSet } from '../../src/eval/harness';
import { DEFAULT_DETECTORS_BY_KIND } from '../../src/profiles/profile.service';
import { generateHomeNetworkTraffic, injectAttacks } from '../../src/sample';

/**
 * The regression guard: the detectors a new profile gets must keep finding
 * scans, floods and exfiltration in the project's own seeded sample. Floors
 * sit a little under what was measured when the defaults were chosen
 * (README, "Detection quality"), so only a real loss fails.
 */
const FLOORS: Record<'packet' | 'flow', number> = { packet: 0.93, flow: 0.97 };
const KINDS = { packet: 'PACKET', flow: 'FLOW' } as const;

async function profileAuc(kind: 'packet' | 'flow'): Promise<number> {
  const train = generateHomeNetworkTraffic({ seed: 1, count: 3000, kind });
  const test = injectAttacks(generateHomeNetworkTraffic({ seed: 2, count: 1500, kind }), {
    seed: 3,
    rate: 0.05,
    kinds: ['portscan', 'synflood', 'exfiltration'],
  });
  const result = await evaluateSet(
    { name: `sample ${kind}`, kind: kind as RecordKind, train, test: test.records, notes: [] },
    { registry: createDefaultRegistry(), seed: 42, contamination: 0.01, detectors: [], profile: () => DEFAULT_DETECTORS_BY_KIND[KINDS[kind]] },
  );
  return result.rows.find((r) => r.role === 'profile')!.metrics.rocAuc;
}

describe('detection quality on the generated sample', () => {
  it.each(['packet', 'flow'] as const)('the default %s detectors stay above their ROC-AUC floor', async (kind) => {
    expect(await profileAuc(kind)).toBeGreaterThanOrEqual(FLOORS[kind]);
  });
});
