import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { CardStateBadge } from '../../components/StatusBadge';
import { Empty } from '../../components/States';
import { reasonText } from '../../i18n/reasons';
import { t } from '../../i18n/t';

/** The latest finished cards: pass or fail with icon and words, and for a failure the reason in
 * plain words and what it asks the operator to do. */
export function Results() {
  const rows = useStore(useStores().activity, (s) => s.recent);
  return (
    <section className="panel results" aria-labelledby="results-title">
      <h2 id="results-title">{t('results.title')}</h2>
      {!rows.length && <Empty>{t('results.empty')}</Empty>}
      <ul className="results-list" aria-live="polite">
        {rows.map((r) => {
          const why = r.state !== 'passed' ? reasonText(r.reason) : null;
          return (
            <li key={r.id} className={`result result-${r.state}`} data-testid="result" data-state={r.state} data-record={r.recordId}>
              <CardStateBadge state={r.state} />
              <span className="mono">{r.recordId}</span>
              <span className="mono">{r.maskedPan}</span>
              {why && (
                <div className="result-why">
                  <strong>{why.summary}</strong>
                  <span>{t('results.action', { action: why.action })}</span>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
