import { percent } from '../format/format';

/** A determinate bar when total is known, an indeterminate one otherwise. */
export function ProgressBar({ done, total, label }: { done?: number; total?: number; label: string }) {
  const known = done != null && total != null && total > 0;
  const pct = known ? percent(done, total) : 0;
  return (
    <div
      className={'progress' + (known ? '' : ' progress-indeterminate')}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={known ? pct : undefined}
    >
      <div className="progress-fill" style={known ? { width: `${pct}%` } : undefined} />
    </div>
  );
}
