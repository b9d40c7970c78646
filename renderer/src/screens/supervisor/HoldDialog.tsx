import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { validReason } from '../../stores/decisions';
import { t } from '../../i18n/t';

/** Hold or release a batch or a card: always with a reason, which goes into the station log. */
export function HoldDialog({ title, body, okLabel, onConfirm, onCancel }: { title: string; body: string; okLabel: string; onConfirm(reason: string): Promise<void>; onCancel(): void }) {
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const ok = validReason(reason);
  return (
    <ConfirmDialog
      title={title}
      confirmLabel={okLabel}
      busy={busy}
      onCancel={onCancel}
      onConfirm={async () => {
        setTried(true);
        if (!ok) return;
        setBusy(true);
        await onConfirm(reason.trim());
        setBusy(false);
      }}
    >
      <p>{body}</p>
      <label className="field">
        <span>{t('decide.reason')}</span>
        <textarea name="reason" rows={2} autoFocus aria-required="true" aria-invalid={tried && !ok} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {tried && !ok && (
        <p className="field-error" role="alert">
          {t('decide.reasonShort')}
        </p>
      )}
    </ConfirmDialog>
  );
}
