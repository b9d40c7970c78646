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
import { stoppedAt } from './stopped-at';
import { t } from '../../i18n/t';

const DECISIONS: Decision[] = ['reject', 'rework', 'good'];

/** Failed cards waiting for a supervisor: each says where it stopped; several can be decided at once. */
export function DecisionQueue() {
  const { decisions } = useStores();
  const rows = useStore(decisions, (s) => s.rows);
  const total = useStore(decisions, (s) => s.total);
  const loaded = useStore(decisions, (s) => s.loaded);
  const error = useStore(decisions, (s) => s.error);
  const done = useStore(decisions, (s) => s.done);
  const [open, setOpen] = useState<{ cards: CardRow[]; decision: Decision } | null>(null);
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  // Only cards still waiting stay selected.
  const selected = rows.filter((r) => picked.has(r.id));
  const toggle = (id: number, on: boolean) => setPicked((p) => (on ? new Set([...p, id]) : new Set([...p].filter((x) => x !== id))));

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
      {rows.length > 1 && (
        <div className="decision-bulk" data-testid="decision-bulk">
          <label className="check">
            <input type="checkbox" checked={selected.length === rows.length} onChange={(e) => setPicked(new Set(e.target.checked ? rows.map((r) => r.id) : []))} />
            {t('decide.selectAll')}
          </label>
          {selected.length > 0 && (
            <>
              <span>{t('decide.selected', { count: selected.length })}</span>
              {DECISIONS.map((d) => (
                <button key={d} type="button" className={'btn' + (d === 'reject' ? ' btn-danger' : '')} onClick={() => setOpen({ cards: selected, decision: d })}>
                  {t(`decide.${d}`)}
                </button>
              ))}
            </>
          )}
        </div>
      )}
      <ul className="decision-list">
        {rows.map((r) => {
          const why = reasonText(r.reason);
          return (
            <li key={r.id} className="decision" data-testid="decision" data-record={r.recordId}>
              <div className="decision-what">
                {rows.length > 1 && <input type="checkbox" aria-label={t('decide.select', { record: r.recordId })} checked={picked.has(r.id)} onChange={(e) => toggle(r.id, e.target.checked)} />}
                <CardStateBadge state={r.state} />
                <span className="mono">{r.batchId}</span>
                <span className="mono">{r.recordId}</span>
                <span className="mono">{r.maskedPan}</span>
                <span className="muted">{formatTimestamp(r.updatedAt)}</span>
              </div>
              <p className="decision-where" data-testid="stopped-at">
                {stoppedAt(r)}
              </p>
              {why && (
                <div className="result-why">
                  <strong>{why.summary}</strong>
                  <span>{t('results.action', { action: why.action })}</span>
                </div>
              )}
              <div className="decision-actions">
                {DECISIONS.map((d) => (
                  <button key={d} type="button" className={'btn btn-large' + (d === 'reject' ? ' btn-danger' : '')} onClick={() => setOpen({ cards: [r], decision: d })}>
                    {t(`decide.${d}`)}
                  </button>
                ))}
              </div>
            </li>
          );
        })}
      </ul>
      {open && (
        <DecideDialog
          cards={open.cards}
          decision={open.decision}
          decide={(cs, d, reason) => decisions.getState().decideMany(cs, d, reason)}
          onDone={() => {
            setOpen(null);
            setPicked(new Set());
          }}
          onCancel={() => setOpen(null)}
        />
      )}
    </section>
  );
}
