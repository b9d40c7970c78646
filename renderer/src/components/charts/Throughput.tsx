import { useId } from 'react';
import { niceMax } from '../../screens/reports/report-text';

export interface Bucket {
  start: number;
  passed: number;
  spoiled: number;
}

// Cards finished per time bucket: stacked columns (good solid, spoiled hatched), the axis maximum
// and the first/last times written on the chart, and each column's figures in its tooltip and
// in the description for assistive technology.
export function Throughput({ title, buckets, label, axisTime, legend }: {
  title: string;
  buckets: Bucket[];
  label(b: Bucket): string;
  axisTime(ms: number): string;
  legend: { passed: string; spoiled: string };
}) {
  const id = useId();
  const W = 720;
  const H = 180;
  const left = 44;
  const bottom = 24;
  const top = 22;
  const plotW = W - left - 8;
  const plotH = H - bottom - top;
  const max = niceMax(Math.max(0, ...buckets.map((b) => b.passed + b.spoiled)));
  const bw = buckets.length ? plotW / buckets.length : plotW;
  const y = (v: number) => (v / max) * plotH;
  const busy = buckets.filter((b) => b.passed + b.spoiled > 0);
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby={`${id}-t ${id}-d`} data-testid="chart-throughput">
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{busy.map(label).join('; ')}</desc>
      <defs>
        <pattern id={`${id}-h`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" className="chart-bad" />
          <line x1="0" y1="0" x2="0" y2="6" className="chart-hatch" />
        </pattern>
      </defs>
      <g className="chart-legend">
        <rect x={left} y="4" width="12" height="12" className="chart-good" />
        <text x={left + 16} y="14">{legend.passed}</text>
        <rect x={left + 90} y="4" width="12" height="12" fill={`url(#${id}-h)`} />
        <text x={left + 106} y="14">{legend.spoiled}</text>
      </g>
      <line x1={left} x2={W - 8} y1={top + plotH} y2={top + plotH} className="chart-axis" />
      <line x1={left} x2={W - 8} y1={top} y2={top} className="chart-gridline" />
      <text x={left - 6} y={top + 4} textAnchor="end" className="chart-value">{max}</text>
      <text x={left - 6} y={top + plotH} textAnchor="end" className="chart-value">0</text>
      {buckets.map((b, i) => {
        const x = left + i * bw + Math.min(1, bw * 0.1);
        const w = Math.max(1, bw - Math.min(2, bw * 0.2));
        const hp = y(b.passed);
        const hs = y(b.spoiled);
        return (
          <g key={b.start}>
            <title>{label(b)}</title>
            {b.passed > 0 && <rect x={x} y={top + plotH - hp} width={w} height={hp} className="chart-good" />}
            {b.spoiled > 0 && <rect x={x} y={top + plotH - hp - hs} width={w} height={hs} fill={`url(#${id}-h)`} />}
          </g>
        );
      })}
      {buckets.length > 0 && (
        <>
          <text x={left} y={H - 6} className="chart-value">{axisTime(buckets[0].start)}</text>
          <text x={W - 8} y={H - 6} textAnchor="end" className="chart-value">{axisTime(buckets[buckets.length - 1].start)}</text>
        </>
      )}
    </svg>
  );
}
