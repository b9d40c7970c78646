import { useState } from 'react';
import { useStore } from 'zustand';
import type { CardRow } from '../../../../shared/contract/dto';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon } from '../../components/Icon';
import { CardStateBadge } from '../../components/StatusBadge';
import { Empty, Loading } from '../../components/States';
import type { Decision } from '../../stores/decisions';
import { reasonText } from '../../i18n/reasons';
import { formatTimestamp } from '../../format/format';
import { DecideDialog } from './DecideDialog';
import { t } from '../../i18n/t';

export function DecisionQueue() {
  const { decisions } = useStores();
  const rows = useStore(decisions, (s) => s.rows);
  const total = useStore(decisions, (s) => s.total);
  const loaded = useStore(decisions, (s) => s.loaded);
  const error = useStore(decisions, (s) => s.error);
  const done = useStore(decisions, (s) => s.done);
  const [open, setOpen] = useState<{ card: CardRow; decision: Decision } | null>(null);

  return (
    <section className="panel decisions" aria-labelledby="decide-title">
      <h2 id="decide-title">
        {t('decide.title')} {loaded && <span className={'count-pill' + (total === 0 ? ' count-pill-zero' : '')}>{total}</span>}
      </h2>
      {!loaded && <Loading />}
      {error && <ErrorBox error={error} onDismiss={() => decisions.setState({ error: null })} />}
      {done && (
        <p className="notice notice-ok" role="status">
          <Icon name="check" size={20} /> {done}
        </p>
      )}
      {loaded && !rows.length && <Empty>{t('decide.empty')}</Empty>}
      <ul className="decision-list">
        {rows.map((r) => {
          const why = reasonText(r.reason);
          return (
            <li key={r.id} className="decision" data-testid="decision" data-record={r.recordId}>
              <div className="decision-what">
                <CardStateBadge state={r.state} />
                <span className="mono">{r.batchId}</span>
                <span className="mono">{r.recordId}</span>
                <span className="mono">{r.maskedPan}</span>
                <span className="muted">{formatTimestamp(r.updatedAt)}</span>
              </div>
              {why && (
                <div className="result-why">
                  <strong>{why.summary}</strong>
                  <span>{t('results.action', { action: why.action })}</span>
                </div>
              )}
              {r.message && <p className="muted">{r.message}</p>}
              <div className="decision-actions">
                <button type="button" className="btn btn-large btn-danger" onClick={() => setOpen({ card: r, decision: 'reject' })}>
                  {t('decide.reject')}
                </button>
                <button type="button" className="btn btn-large" onClick={() => setOpen({ card: r, decision: 'rework' })}>
                  {t('decide.rework')}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      {open && (
        <DecideDialog
          card={open.card}
          decision={open.decision}
          decide={(c, d, reason) => decisions.getState().decide(c, d, reason)}
          onDone={() => setOpen(null)}
          onCancel={() => setOpen(null)}
        />
      )}
    </section>
  );
}
