import { useId } from 'react';

// Yield as one bar split into good and spoiled; the split is also drawn as a hatch (spoiled) and
// written out in words, so it does not depend on telling two colours apart.
export function YieldBar({ title, passed, processed, caption }: { title: string; passed: number; processed: number; caption: string }) {
  const id = useId();
  const W = 720;
  const good = processed > 0 ? (passed / processed) * W : 0;
  return (
    <figure className="chart-figure">
      <svg className="chart" viewBox={`0 0 ${W} 36`} width={W} height={36} role="img" aria-labelledby={`${id}-t ${id}-d`} data-testid="chart-yield">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{caption}</desc>
        <defs>
          <pattern id={`${id}-h`} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" className="chart-bad" />
            <line x1="0" y1="0" x2="0" y2="8" className="chart-hatch" />
          </pattern>
        </defs>
        <rect x="0" y="4" width={W} height="28" className="chart-track" />
        {processed > 0 && <rect x={good} y="4" width={W - good} height="28" fill={`url(#${id}-h)`} />}
        <rect x="0" y="4" width={good} height="28" className="chart-good" />
      </svg>
      <figcaption className="chart-caption">{caption}</figcaption>
    </figure>
  );
}
