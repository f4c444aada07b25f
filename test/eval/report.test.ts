import type { SetResult } from '../../src/eval/harness';
import { measure, rocCurve } from '../../src/eval/metrics';
import { markdownReport, pcapTable, setsTable } from '../../src/eval/report';
import { rocSvg } from '../../src/eval/roc-svg';
import { checkTargets } from '../../src/eval/targets';

const labels = Uint8Array.of(0, 0, 0, 1, 1);
const scores = Float64Array.of(0.1, 0.2, 0.9, 0.8, 0.95);

function result(name: string, profileScores: Float64Array, flagged: Uint8Array): SetResult {
  const row = (n: string, role: 'detector' | 'profile' | 'baseline') => ({ name: n, role, metrics: measure(profileScores, labels, flagged), scoreMs: 1 });
  return {
    name,
    kind: 'tabular',
    notes: ['a note'],
    trainRows: 10,
    testRows: 5,
    testAttacks: 2,
    features: 3,
    rows: [row('hbos', 'detector'), row('profile: hbos', 'profile'), row('seed baseline', 'baseline')],
    curves: [{ name: 'hbos', points: rocCurve(profileScores, labels) }],
  };
}

describe('quality metrics', () => {
  it('gives ranking metrics and the verdict at the threshold', () => {
    const m = measure(scores, labels, Uint8Array.of(0, 0, 1, 0, 1));
    expect(m.rocAuc).toBeCloseTo(5 / 6, 12);
    expect(m.precisionAtK).toBe(0.5);
    expect(m.recall).toBe(0.5);
    expect(m.falsePositiveRate).toBeCloseTo(1 / 3, 12);
  });

  it('draws the ROC curve from (0, 0) to (1, 1), one corner per distinct score', () => {
    const points = rocCurve(scores, labels);
    expect(points[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(points[points.length - 1]).toEqual({ fpr: 1, tpr: 1 });
    expect(points).toHaveLength(6);
    expect(rocCurve(Float64Array.from({ length: 2000 }, (_, i) => i), Uint8Array.from({ length: 2000 }, (_, i) => i % 2), 50)).toHaveLength(50);
  });
});

describe('report', () => {
  const kdd = result('NSL-KDD KDDTest+', scores, Uint8Array.of(0, 0, 1, 0, 1));
  const scan = result('pcap portscan/scan.pcap', scores, Uint8Array.of(0, 0, 0, 0, 1));

  it('checks each target with the profile row and says what it measured', () => {
    expect(checkTargets([kdd, scan])).toEqual([
      { what: 'NSL-KDD KDDTest+ ROC-AUC ≥ 0.97', met: false, measured: '0.833' },
      { what: 'pcap portscan/scan.pcap flagged, FPR ≤ 1%', met: true, measured: 'recall 50%, FPR 0.00%' },
    ]);
  });

  it('writes the tables, the verdicts and a link to the curves', () => {
    expect(setsTable([kdd, scan])).toContain('| NSL-KDD KDDTest+ | **profile: hbos** | 0.833 | ');
    expect(setsTable([kdd, scan])).not.toContain('scan.pcap');
    expect(pcapTable([kdd, scan])).toContain('| portscan/scan.pcap | 2 | yes | 50.0% | 0.0% |');
    const md = markdownReport([kdd, scan], { dataDir: '/data', seed: 1, contamination: 0.01, seconds: 3, rocImage: 'roc.svg' });
    expect(md).toContain('❌ NSL-KDD KDDTest+ ROC-AUC ≥ 0.97: 0.833');
    expect(md).toContain('![ROC curves](roc.svg)');
  });

  it('draws one chart per set with one path per curve', () => {
    const svg = rocSvg([kdd, scan]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('pcap scan.pcap');
  });
});
