import { useState } from 'react';
import type { BatchReport, SignoffRole } from '../../../../shared/contract/areas/reports';
import type { Role } from '../../../../shared/contract/dto';
import type { ReportsStore } from '../../stores/reports';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Icon } from '../../components/Icon';
import { formatTimestamp } from '../../format/format';
import { t } from '../../i18n/t';

const ROLES: SignoffRole[] = ['operator', 'reviewer'];

/** Which sign-off roles a user's role may take (the station checks again). */
export function signableRoles(role: Role | undefined): SignoffRole[] {
  if (role === 'supervisor') return ['operator', 'reviewer'];
  if (role === 'operator') return ['operator'];
  return [];
}

/** What blocks closing, in plain words, then each sign-off and the buttons to give it. */
export function Signoffs({ report, store, user }: { report: BatchReport; store: ReportsStore; user: { username: string; role: Role } }) {
  const [signing, setSigning] = useState<SignoffRole | null>(null);
  const mayTake = signableRoles(user.role);
  const blocked = report.blockers.length > 0;
  return (
    <section className="panel" aria-labelledby="signoff-title" data-testid="signoffs">
      <h2 id="signoff-title">{t('signoff.title')}</h2>
      {report.state === 'closed' ? null : report.blockers.length > 0 ? (
        <div className="notice notice-warn blockers" data-testid="blockers">
          <strong>{t('blockers.title')}</strong>
          <ul>
            {report.blockers.map((b) => (
              <li key={b.code} data-code={b.code}>
                {t(`blocker.${b.code}`)} <span className="muted">({b.message})</span>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="notice notice-ok">
          <Icon name="check" size={20} /> {t('blockers.none')}
        </p>
      )}
      <p className="hint">{t('signoff.twoPeople')}</p>
      <ul className="signoff-list">
        {ROLES.map((role) => {
          const s = report.signoffs.find((x) => x.role === role);
          const signedOther = report.signoffs.some((x) => x.role !== role && x.username === user.username);
          return (
            <li key={role} className="signoff" data-testid={`signoff-${role}`} data-signed={s ? 'yes' : 'no'}>
              <strong>{t(`signoff.role.${role}`)}</strong>
              {s ? (
                <span>
                  <Icon name="check" size={20} /> {t('signoff.signed', { name: s.displayName, user: s.username, time: formatTimestamp(s.signedAt) })} ·{' '}
                  {s.reauthenticated ? t('signoff.reauth') : t('signoff.noReauth')}
                </span>
              ) : (
                <span className="muted">{t('signoff.notSigned')}</span>
              )}
              {!s && mayTake.includes(role) && (
                <button type="button" className="btn btn-primary" disabled={blocked || signedOther} onClick={() => setSigning(role)}>
                  {t(`signoff.signAs.${role}`)}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {signing && <SignDialog batchId={report.batchId} role={signing} store={store} onClose={() => setSigning(null)} />}
    </section>
  );
}

function SignDialog({ batchId, role, store, onClose }: { batchId: string; role: SignoffRole; store: ReportsStore; onClose(): void }) {
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <ConfirmDialog
      title={t(`signoff.dialog.title.${role}`, { id: batchId })}
      confirmLabel={t('signoff.dialog.ok')}
      busy={busy}
      onCancel={onClose}
      onConfirm={async () => {
        setTried(true);
        if (!password) return;
        setBusy(true);
        await store.getState().signoff(role, password);
        setBusy(false);
        onClose();
      }}
    >
      <p>{t('signoff.dialog.body')}</p>
      <label className="field">
        <span>{t('signoff.password')}</span>
        <input type="password" name="signoff-password" autoComplete="current-password" autoFocus aria-required="true" aria-invalid={tried && !password} value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      {tried && !password && (
        <p className="field-error" role="alert">
          {t('signoff.passwordMissing')}
        </p>
      )}
    </ConfirmDialog>
  );
}
