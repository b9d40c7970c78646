import { useId } from 'react';
import { niceMax } from '../../screens/reports/report-text';

// Horizontal bars with the label and the value written beside each bar: the numbers are read,
// not guessed from lengths or colours. The SVG is one image for assistive technology, with a
// description listing every bar.

export interface Bar {
  label: string;
  value: number;
  /** The value as shown (e.g. "3" or "1 h 05 min"); defaults to the number. */
  text?: string;
}

const ROW = 30;
const LABEL_W = 330;
const VALUE_W = 200;
const WIDTH = 760;

export function BarChart({ title, bars, testId }: { title: string; bars: Bar[]; testId?: string }) {
  const id = useId();
  const max = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  const plot = WIDTH - LABEL_W - VALUE_W;
  const height = bars.length * ROW + 8;
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} role="img" aria-labelledby={`${id}-t ${id}-d`} data-testid={testId}>
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{bars.map((b) => `${b.label}: ${b.text ?? b.value}`).join('; ')}</desc>
      {bars.map((b, i) => {
        const y = i * ROW + 4;
        const w = b.value > 0 ? Math.max(2, (b.value / max) * plot) : 0;
        return (
          <g key={i} className="chart-row">
            <text x={LABEL_W - 8} y={y + ROW / 2} textAnchor="end" dominantBaseline="middle" className="chart-label">
              {b.label.length > 38 ? b.label.slice(0, 37) + '…' : b.label}
            </text>
            <rect x={LABEL_W} y={y + 4} width={plot} height={ROW - 10} className="chart-track" />
            <rect x={LABEL_W} y={y + 4} width={w} height={ROW - 10} className="chart-bar" />
            <text x={LABEL_W + plot + 8} y={y + ROW / 2} dominantBaseline="middle" className="chart-value">
              {b.text ?? b.value}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
