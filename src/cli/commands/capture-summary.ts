import type { CapturePipelineStats } from '../../capture/capture.pipeline';

/** Summary lines saying what was read from a capture file: packets (and flows) or Zeek log lines. */
export function describeCaptureInput(stats: CapturePipelineStats): string[] {
  if (stats.zeek) {
    const z = stats.zeek;
    return [`  lines      ${z.lines}${skipped(z.lines - z.records, z.malformed)}`];
  }
  const c = stats.capture;
  const notIp = Object.values(c.skipped).reduce((a, b) => a + b, 0);
  const lines = [`  packets    ${c.packets} (${c.decoded} decoded${notIp > 0 ? `, ${notIp} without IP or ARP` : ''})${skipped(malformedCount(stats), c.malformed)}`];
  if (c.unknownLinkType > 0) lines.push(`    ${c.unknownLinkType} × unknown link type`);
  if (stats.flows) lines.push(`  flows      ${stats.flows.flows}${stats.flows.evicted > 0 ? ` (${stats.flows.evicted} reported early: flow table full)` : ''}`);
  return lines;
}

function malformedCount(stats: CapturePipelineStats): number {
  return Object.values(stats.capture.malformed).reduce((a, b) => a + b, 0);
}

function skipped(count: number, reasons: Record<string, number>): string {
  if (count === 0) return '';
  const detail = Object.entries(reasons)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `\n    ${n} × ${reason}`)
    .join('');
  return `, ${count} malformed${detail}`;
}
