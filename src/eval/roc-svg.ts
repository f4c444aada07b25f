import type { SetResult } from './harness';

const CHART = 260;
const PAD = 36;
const LEGEND_LINE = 13;
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One small ROC chart per set in a grid, the same colour for the same curve name across charts. */
export function rocSvg(results: readonly SetResult[], columns = 3): string {
  const names = [...new Set(results.flatMap((r) => r.curves.map((c) => c.name)))];
  const color = (name: string) => COLORS[names.indexOf(name) % COLORS.length];
  const legendHeight = names.length * LEGEND_LINE + 10;
  const cellW = CHART + 2 * PAD;
  const cellH = CHART + 2 * PAD;
  const rows = Math.ceil(results.length / columns);
  const width = columns * cellW;
  const height = legendHeight + rows * cellH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  names.forEach((name, i) => {
    const y = 12 + i * LEGEND_LINE;
    parts.push(`<line x1="10" y1="${y - 4}" x2="34" y2="${y - 4}" stroke="${color(name)}" stroke-width="2"/>`);
    parts.push(`<text x="40" y="${y}">${escape(name)}</text>`);
  });
  results.forEach((result, i) => {
    const x0 = (i % columns) * cellW + PAD;
    const y0 = legendHeight + Math.floor(i / columns) * cellH + PAD;
    parts.push(chart(result, x0, y0, color));
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Pcap scenarios are named by their capture file alone: the attack directory would not fit above a chart. */
function title(name: string): string {
  const short = name.replace(/^pcap [^/]+\//, 'pcap ');
  return short.length > 44 ? `${short.slice(0, 43)}…` : short;
}

function chart(result: SetResult, x0: number, y0: number, color: (name: string) => string): string {
  const x = (fpr: number) => (x0 + fpr * CHART).toFixed(1);
  const y = (tpr: number) => (y0 + (1 - tpr) * CHART).toFixed(1);
  const parts = [
    `<text x="${x0}" y="${y0 - 8}" font-weight="bold">${escape(title(result.name))}</text>`,
    `<rect x="${x0}" y="${y0}" width="${CHART}" height="${CHART}" fill="none" stroke="#999"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#ccc" stroke-dasharray="4 3"/>`,
    `<text x="${x0 + CHART / 2}" y="${y0 + CHART + 24}" text-anchor="middle">false-positive rate</text>`,
    `<text x="${x0 - 24}" y="${y0 + CHART / 2}" text-anchor="middle" transform="rotate(-90 ${x0 - 24} ${y0 + CHART / 2})">true-positive rate</text>`,
  ];
  for (const tick of [0, 0.5, 1]) {
    parts.push(`<text x="${x(tick)}" y="${y0 + CHART + 12}" text-anchor="middle">${tick}</text>`);
    parts.push(`<text x="${x0 - 4}" y="${Number(y(tick)) + 4}" text-anchor="end">${tick}</text>`);
  }
  for (const curve of result.curves) {
    const d = curve.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.fpr)},${y(p.tpr)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${color(curve.name)}" stroke-width="1.5" opacity="0.85"/>`);
  }
  return parts.join('\n');
}
