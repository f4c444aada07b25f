import type { ResultRow, SetResult } from './harness';

/** The targets for the profile's detectors, with defaults only. */
const AUC_TARGETS: Record<string, number> = {
  'NSL-KDD KDDTest+': 0.97,
  'ODDS http': 0.995,
  'ODDS smtp': 0.92,
  'CTU Zeek day 008': 0.97,
};

/** Every pcap attack scenario must be flagged while at most this share of benign flows is. */
const PCAP_MAX_FPR = 0.01;

export function isPcapScenario(result: SetResult): boolean {
  return result.name.startsWith('pcap ');
}

/** By name prefix, so a variant of a set ("CTU Zeek day 008 (no windowed features)") is held to the same target. */
export function aucTarget(result: SetResult): number | undefined {
  const key = Object.keys(AUC_TARGETS).find((name) => result.name.startsWith(name));
  return key === undefined ? undefined : AUC_TARGETS[key];
}

/** A scenario is flagged when at least one of its attack flows reaches the threshold. */
export function flaggedScenario(row: ResultRow): boolean {
  return row.metrics.recall > 0;
}

export interface TargetCheck {
  what: string;
  met: boolean;
  measured: string;
}

export function checkTargets(results: readonly SetResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const result of results) {
    const profile = result.rows.find((r) => r.role === 'profile');
    const target = aucTarget(result);
    if (profile === undefined) continue;
    if (target !== undefined) {
      const auc = profile.metrics.rocAuc;
      checks.push({ what: `${result.name} ROC-AUC ≥ ${target}`, met: auc >= target, measured: auc.toFixed(3) });
    } else if (isPcapScenario(result)) {
      const fpr = profile.metrics.falsePositiveRate;
      checks.push({
        what: `${result.name} flagged, FPR ≤ ${PCAP_MAX_FPR * 100}%`,
        met: flaggedScenario(profile) && fpr <= PCAP_MAX_FPR,
        measured: `recall ${(100 * profile.metrics.recall).toFixed(0)}%, FPR ${(100 * fpr).toFixed(2)}%`,
      });
    }
  }
  return checks;
}
