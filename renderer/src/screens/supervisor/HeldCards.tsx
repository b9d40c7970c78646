import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { CardRow } from '../../../../shared/contract/dto';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon } from '../../components/Icon';
import { CardStateBadge } from '../../components/StatusBadge';
import { Empty } from '../../components/States';
import { formatTimestamp } from '../../format/format';
import { HoldDialog } from './HoldDialog';
import { t } from '../../i18n/t';

/**
 * Cards on hold, and holding one: the supervisor finds a card by its batch and record ID (the
 * ID on the issuer's paperwork), holds it with a reason, and releases it later with another.
 * The station refuses a card that is no longer queued; the refusal is shown as it came.
 */
export function HeldCards() {
  const s = useStores();
  const rows = useStore(s.holds, (x) => x.rows);
  const total = useStore(s.holds, (x) => x.total);
  const loaded = useStore(s.holds, (x) => x.loaded);
  const error = useStore(s.holds, (x) => x.error);
  const done = useStore(s.holds, (x) => x.done);
  const found = useStore(s.holds, (x) => x.found);
  const batches = useStore(s.batches, (x) => x.list).filter((b) => b.state !== 'closed');
  const selected = useStore(s.batches, (x) => x.selectedId);
  const [batchId, setBatchId] = useState('');
  const [recordId, setRecordId] = useState('');
  const [asking, setAsking] = useState<{ card: CardRow; hold: boolean } | null>(null);
  useEffect(() => void s.holds.getState().load(), [s]);
  const batch = batchId || selected || batches[0]?.batchId || '';

  const confirm = async (reason: string) => {
    if (!asking) return;
    await s.holds.getState().setHold(asking.card, asking.hold, reason);
    setAsking(null);
    // The job list and the attention summary count held cards per batch.
    await s.batches.getState().load();
  };
  return (
    <section className="panel holds" aria-labelledby="holds-title" data-testid="held-cards">
      <h2 id="holds-title">
        {t('holds.title')} {loaded && <span className={'count-pill' + (total === 0 ? ' count-pill-zero' : '')}>{total}</span>}
      </h2>
      <form
        className="search-row"
        aria-label={t('holds.find')}
        onSubmit={(e) => {
          e.preventDefault();
          void s.holds.getState().find(batch, recordId);
        }}
      >
        <label className="field">
          <span>{t('holds.batch')}</span>
          <select name="batch" value={batch} onChange={(e) => setBatchId(e.target.value)}>
            {batches.map((b) => (
              <option key={b.batchId} value={b.batchId}>
                {b.batchId}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('holds.record')}</span>
          <input name="recordId" autoComplete="off" value={recordId} onChange={(e) => setRecordId(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-large" disabled={!batch}>
          {t('holds.findButton')}
        </button>
      </form>
      {error && <ErrorBox error={error} onDismiss={() => s.holds.getState().clear()} />}
      {done && (
        <p className="notice notice-ok" role="status">
          <Icon name="check" size={20} /> {done}
        </p>
      )}
      {found && !found.card && <p className="notice">{t('holds.notFound', { record: found.recordId, batch: found.batchId })}</p>}
      {found?.card && (
        <div className="decision-what found-card" data-testid="found-card">
          <CardRowText card={found.card} />
          {found.card.state === 'queued' ? (
            <button type="button" className="btn" onClick={() => setAsking({ card: found.card!, hold: true })}>
              {t('holds.hold')}
            </button>
          ) : found.card.state !== 'held' ? (
            <span>{t('holds.notQueued', { record: found.card.recordId, state: t(`state.${found.card.state}`) })}</span>
          ) : null}
        </div>
      )}
      {loaded && !rows.length && <Empty>{t('holds.empty')}</Empty>}
      <ul className="decision-list">
        {rows.map((r) => (
          <li key={r.id} className="decision-what held-card" data-testid="held-card" data-record={r.recordId}>
            <CardRowText card={r} />
            <span className="muted">{t('holds.since', { at: formatTimestamp(r.updatedAt) })}</span>
            <button type="button" className="btn" onClick={() => setAsking({ card: r, hold: false })}>
              {t('holds.release')}
            </button>
          </li>
        ))}
      </ul>
      {asking && (
        <HoldDialog
          title={t(asking.hold ? 'holds.hold.title' : 'holds.release.title', { record: asking.card.recordId })}
          body={t(asking.hold ? 'holds.hold.body' : 'holds.release.body', { pan: asking.card.maskedPan })}
          okLabel={t(asking.hold ? 'holds.hold.ok' : 'holds.release.ok')}
          onCancel={() => setAsking(null)}
          onConfirm={confirm}
        />
      )}
    </section>
  );
}

function CardRowText({ card }: { card: CardRow }) {
  return (
    <>
      <CardStateBadge state={card.state} />
      <span className="mono">{card.batchId}</span>
      <span className="mono">{card.recordId}</span>
      <span className="mono">{card.maskedPan}</span>
    </>
  );
}
