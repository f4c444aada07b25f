import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ScoreBucket } from '../api/types';

const HEIGHT = 200;

/** Bars: anomalies per slice; line: the highest score in the slice (0.5 = threshold). */
export function ScoreTimeline({ timeline }: { timeline: ScoreBucket[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current!;
    const chart = new uPlot(options(el.clientWidth), [[], [], []], el);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData([
      timeline.map((b) => Date.parse(b.start) / 1000),
      timeline.map((b) => b.count),
      timeline.map((b) => b.maxScore),
    ]);
  }, [timeline]);

  return <div ref={box} className="chart" data-testid="score-timeline" />;
}

function options(width: number): uPlot.Options {
  const axis = { stroke: '#9aa4b2', grid: { stroke: 'rgba(154,164,178,0.12)' }, ticks: { stroke: 'rgba(154,164,178,0.2)' } };
  return {
    width: Math.max(width, 200),
    height: HEIGHT,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, count: { range: (_u, _min, max) => [0, Math.max(1, max)] }, score: { range: [0, 1] } },
    axes: [
      { ...axis },
      { ...axis, scale: 'count', label: 'anomalies', size: 50 },
      { ...axis, scale: 'score', side: 1, label: 'max score', size: 50 },
    ],
    series: [
      {},
      {
        label: 'anomalies',
        scale: 'count',
        stroke: '#5b8def',
        fill: 'rgba(91,141,239,0.35)',
        paths: uPlot.paths.bars!({ size: [0.8, 24] }),
        points: { show: false },
      },
      { label: 'max score', scale: 'score', stroke: '#ff7a59', width: 2, spanGaps: false, points: { show: true, size: 4 } },
    ],
  };
}
