import { useState } from 'react';
import type { CardRow } from '../../../../shared/contract/dto';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { validReason, type Decision } from '../../stores/decisions';
import { t } from '../../i18n/t';

/** Reject or rework: a reason is mandatory and the decision is final, so it is confirmed here. */
export function DecideDialog({ card, decision, onDone, onCancel, decide }: {
  card: CardRow;
  decision: Decision;
  decide(card: CardRow, d: Decision, reason: string): Promise<boolean>;
  onDone(): void;
  onCancel(): void;
}) {
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const ok = validReason(reason);
  return (
    <ConfirmDialog
      title={t(decision === 'reject' ? 'decide.confirm.reject.title' : 'decide.confirm.rework.title', { record: card.recordId })}
      confirmLabel={t(decision === 'reject' ? 'decide.confirm.reject.ok' : 'decide.confirm.rework.ok')}
      danger
      busy={busy}
      onCancel={onCancel}
      onConfirm={async () => {
        setTried(true);
        if (!ok) return;
        setBusy(true);
        const done = await decide(card, decision, reason);
        setBusy(false);
        if (done) onDone();
        else onCancel();
      }}
    >
      <p>{t(decision === 'reject' ? 'decide.confirm.reject.body' : 'decide.confirm.rework.body', { pan: card.maskedPan })}</p>
      <label className="field">
        <span>{t('decide.reason')}</span>
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
