import type { BatchReport } from '../../../../shared/contract/areas/reports';
import { Icon } from '../../components/Icon';
import { reasonText } from '../../i18n/reasons';
import { t } from '../../i18n/t';
import { percentText, signed, verdict } from './report-text';

/** The equation with every figure, where it comes from, and the verdict in words. */
export function Reconciliation({ report }: { report: BatchReport }) {
  const r = report.reconciliation;
  const v = verdict(r);
  const fig = (n: number | null) => (n == null ? <em className="muted">{t('recon.notRecorded')}</em> : n);
  return (
    <section className="panel" aria-labelledby="recon-title" data-testid="reconciliation">
      <h2 id="recon-title">{t('recon.title')}</h2>
      <p className="equation">{t('recon.equation')}</p>
      <dl className="recon-grid">
        <div data-testid="recon-issued"><dt>{t('recon.issued')}</dt><dd>{fig(r.issuedFromVault)}</dd><small>{t('recon.fromVault')}</small></div>
        <div className="recon-op">=</div>
        <div data-testid="recon-good"><dt>{t('recon.good')}</dt><dd>{r.good}</dd><small>{t('recon.fromStation')}</small></div>
        <div className="recon-op">+</div>
        <div data-testid="recon-spoiled"><dt>{t('recon.spoiled')}</dt><dd>{r.spoiled}</dd><small>{t('recon.fromStation')}</small></div>
        <div className="recon-op">+</div>
        <div data-testid="recon-samples"><dt>{t('recon.samples')}</dt><dd>{fig(r.samples)}</dd><small>{t('recon.fromVault')}</small></div>
        <div className="recon-op">+</div>
        <div data-testid="recon-returned"><dt>{t('recon.returned')}</dt><dd>{fig(r.returnedToVault)}</dd><small>{t('recon.fromVault')}</small></div>
      </dl>
      <p className="recon-sum">
        {t('recon.accounted')}: <strong>{r.accounted}</strong> · {t('recon.difference')}: <strong data-testid="recon-difference">{signed(r.difference)}</strong> · {t('recon.yield')}:{' '}
        <strong>{report.yield == null ? t('recon.yieldNone') : percentText(report.yield)}</strong>
      </p>
      <p className={v.ok ? 'notice notice-ok' : 'notice notice-warn'} data-testid="recon-verdict">
        <Icon name={v.ok ? 'check' : 'warn'} size={20} /> {v.text}
      </p>
      <h3>{t('rejects.title')}</h3>
      {r.spoiledByReason.length === 0 ? (
        <p className="hint">{t('rejects.empty')}</p>
      ) : (
        <table className="log-table" data-testid="reject-table">
          <thead>
            <tr><th scope="col">{t('rejects.col.code')}</th><th scope="col">{t('rejects.col.reason')}</th><th scope="col" className="num">{t('rejects.col.count')}</th></tr>
          </thead>
          <tbody>
            {r.spoiledByReason.map((x) => (
              <tr key={x.reason}>
                <td className="mono">{x.reason}</td>
                <td>{reasonText(x.reason)?.summary ?? ''}</td>
                <td className="num">{x.count}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr><th scope="row" colSpan={2}>{t('rejects.total')}</th><td className="num">{r.spoiled}</td></tr>
          </tfoot>
        </table>
      )}
    </section>
  );
}
