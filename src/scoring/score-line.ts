import type { Prediction } from '../detection/prediction';

/**
 * One JSON line of `netsentinel score`: the record's key fields, its score
 * and verdict, and the feature that pushed the score most. Unset fields are
 * left out, so packet, flow and tabular lines each carry what they have.
 *
 * Only anomalies are explained unless `explainAll`: detection explains them
 * anyway (to store them), while explaining every record costs about 0.3 ms
 * each, ten times the rest of the pipeline.
 */
export function scoreLine(p: Prediction, explainAll: boolean): string {
  const r = p.record;
  const top = p.isAnomaly || explainAll ? p.explanation()[0] : undefined;
  return JSON.stringify({
    time: r.timestamp === undefined ? undefined : new Date(r.timestamp).toISOString(),
    srcIp: r.srcIp,
    srcPort: r.srcPort,
    destIp: r.destIp,
    destPort: r.destPort,
    protocol: r.protocol,
    service: r.service,
    connState: r.connState,
    label: r.label,
    score: Number(p.score.toFixed(6)),
    isAnomaly: p.isAnomaly,
    anomalyId: p.anomalyId,
    explanation: top && { feature: top.feature, value: top.value, typical: top.typical, message: top.message },
  });
}
