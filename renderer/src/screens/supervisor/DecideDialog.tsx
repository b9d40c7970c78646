import { useState } from 'react';
import type { CardRow } from '../../../../shared/contract/dto';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { validReason, type Decision } from '../../stores/decisions';
import { t } from '../../i18n/t';

/** Reject, rework or set good, for one card or several: a reason is mandatory and the decision
 * is final, so it is confirmed here. */
export function DecideDialog({ cards, decision, onDone, onCancel, decide }: {
  cards: CardRow[];
  decision: Decision;
  decide(cards: CardRow[], d: Decision, reason: string): Promise<boolean>;
  onDone(): void;
  onCancel(): void;
}) {
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const ok = validReason(reason);
  const one = cards.length === 1 ? cards[0] : null;
  return (
    <ConfirmDialog
      title={one ? t(`decide.confirm.${decision}.title`, { record: one.recordId }) : t(`decide.many.${decision}.title`, { count: cards.length })}
      confirmLabel={t(`decide.confirm.${decision}.ok`)}
      danger={decision !== 'good'}
      busy={busy}
      onCancel={onCancel}
      onConfirm={async () => {
        setTried(true);
        if (!ok) return;
        setBusy(true);
        const done = await decide(cards, decision, reason);
        setBusy(false);
        if (done) onDone();
        else onCancel();
      }}
    >
      {one ? <p>{t(`decide.confirm.${decision}.body`, { pan: one.maskedPan })}</p> : <p>{t('decide.many.body', { records: cards.map((c) => c.recordId).join(', ') })}</p>}
      <label className="field">
        <span>{t(decision === 'good' ? 'decide.inspection' : 'decide.reason')}</span>
        <textarea name="reason" rows={3} autoFocus aria-required="true" aria-invalid={tried && !ok} value={reason} aria-describedby="reason-hint" onChange={(e) => setReason(e.target.value)} />
        <small id="reason-hint">{t('decide.reasonHint')}</small>
      </label>
      {tried && !ok && (
        <p className="field-error" role="alert">
          {t('decide.reasonShort')}
        </p>
      )}
    </ConfirmDialog>
  );
}
