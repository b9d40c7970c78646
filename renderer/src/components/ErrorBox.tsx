import type { ShownError } from '../station/errors';
import { formatProblem } from '../station/errors';
import { t } from '../i18n/t';
import { Icon } from './Icon';

const MAX_SHOWN = 500;

/** What happened, the station's words, what to do, and every problem (a file can have many). */
export function ErrorBox({ error, onDismiss }: { error: ShownError; onDismiss?: () => void }) {
  return (
    <div className="error-box" role="alert">
      <div className="error-head">
        <Icon name="warn" />
        <strong>{error.title}</strong>
        {onDismiss && (
          <button type="button" className="btn btn-small btn-ghost" onClick={onDismiss}>
            {t('app.dismiss')}
          </button>
        )}
      </div>
      <p className="error-message">{error.message}</p>
      {error.problems.length > 0 && (
        <ul className="problems" aria-label={error.message}>
          {error.problems.slice(0, MAX_SHOWN).map((p, i) => (
            <li key={i}>{formatProblem(p)}</li>
          ))}
          {error.problems.length > MAX_SHOWN && <li>… {error.problems.length - MAX_SHOWN} more</li>}
        </ul>
      )}
      <p className="error-action">{error.action}</p>
    </div>
  );
}
