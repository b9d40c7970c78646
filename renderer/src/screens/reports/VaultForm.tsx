import { useState } from 'react';
import type { BatchReport } from '../../../../shared/contract/areas/reports';
import type { ReportsStore } from '../../stores/reports';
import { formatTimestamp } from '../../format/format';
import { t } from '../../i18n/t';
import { parseVault, type VaultFields } from './report-text';

const str = (n: number | null) => (n == null ? '' : String(n));

/** The operator's count of blank cards; the reason goes into the log with the old and new figures. */
export function VaultForm({ report, store }: { report: BatchReport; store: ReportsStore }) {
  const r = report.reconciliation;
  const [f, setF] = useState<VaultFields>({ issuedFromVault: str(r.issuedFromVault), samples: str(r.samples), returnedToVault: str(r.returnedToVault), reason: '' });
  const [problem, setProblem] = useState<{ error: string; field: keyof VaultFields } | null>(null);
  const [busy, setBusy] = useState(false);
  const closed = report.state === 'closed';
  const field = (k: 'issuedFromVault' | 'samples' | 'returnedToVault', label: string) => (
    <label className="field">
      <span>{label}</span>
      <input name={k} inputMode="numeric" autoComplete="off" value={f[k]} disabled={closed} aria-invalid={problem?.field === k} onChange={(e) => setF({ ...f, [k]: e.target.value })} />
    </label>
  );
  return (
    <section className="panel" aria-labelledby="vault-title" data-testid="vault-form">
      <h2 id="vault-title">{t('vault.title')}</h2>
      <p className="hint">{t('vault.intro')}</p>
      {report.vault && <p className="hint">{t('vault.recordedBy', { user: report.vault.recordedBy, time: formatTimestamp(report.vault.recordedAt) })}</p>}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const p = parseVault(f);
          if (!p.ok) return setProblem({ error: p.error, field: p.field });
          setProblem(null);
          setBusy(true);
          if (await store.getState().recordVault(p.value)) setF((x) => ({ ...x, reason: '' }));
          setBusy(false);
        }}
      >
        <div className="vault-grid">
          {field('issuedFromVault', t('recon.issued'))}
          {field('samples', t('recon.samples'))}
          {field('returnedToVault', t('recon.returned'))}
        </div>
        <label className="field">
          <span>{t('vault.reason')}</span>
          <input name="vault-reason" value={f.reason} disabled={closed} aria-invalid={problem?.field === 'reason'} aria-describedby="vault-reason-hint" onChange={(e) => setF({ ...f, reason: e.target.value })} />
          <small id="vault-reason-hint">{t('vault.reasonHint')}</small>
        </label>
        {problem && (
          <p className="field-error" role="alert">
            {problem.error}
          </p>
        )}
        {report.signoffs.length > 0 && !closed && <p className="notice notice-warn">{t('vault.voids')}</p>}
        <button type="submit" className="btn btn-primary" disabled={busy || closed}>
          {t('vault.save')}
        </button>
      </form>
    </section>
  );
}
