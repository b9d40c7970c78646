import { useState } from 'react';
import { useStore } from 'zustand';
import type { Role } from '../../../../shared/contract/dto';
import type { ReportsStore } from '../../stores/reports';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon } from '../../components/Icon';
import { Loading } from '../../components/States';
import { formatCount, formatTimestamp } from '../../format/format';
import { t } from '../../i18n/t';
import { Reconciliation } from './Reconciliation';
import { Signoffs } from './Signoffs';
import { VaultForm } from './VaultForm';
import { downloadFile } from './download-file';

/** One batch: its state, the reconciliation, the vault figures form, sign-offs and exports. */
export function BatchReportPanel({ store, user }: { store: ReportsStore; user: { username: string; role: Role } }) {
  const report = useStore(store, (s) => s.report);
  const loading = useStore(store, (s) => s.loading);
  const error = useStore(store, (s) => s.error);
  const notice = useStore(store, (s) => s.notice);
  const [exporting, setExporting] = useState<'pdf' | 'csv' | null>(null);
  const enters = user.role === 'operator' || user.role === 'supervisor';

  const exp = async (format: 'pdf' | 'csv') => {
    setExporting(format);
    const f = await store.getState().exportBatch(format);
    setExporting(null);
    if (f) downloadFile(f);
  };

  return (
    <div data-testid="batch-report">
      {error && <ErrorBox error={error} onDismiss={() => store.setState({ error: null })} />}
      {notice && (
        <p className="notice notice-ok" role="status">
          <Icon name="check" size={20} /> {notice}
        </p>
      )}
      {loading && !report && <Loading />}
      {report && (
        <>
          <div className="panel report-head">
            <div>
              <h2>
                {t('reports.batchTitle')} {report.batchId}{' '}
                <span className={'report-state report-state-' + report.state} data-testid="report-state">
                  {t(`reports.state.${report.state}`)}
                </span>
              </h2>
              <p className="hint">{t('reports.generated', { product: report.productName, records: formatCount(report.recordCount), state: t(`reports.state.${report.state}`) })}</p>
              {report.closedAt != null && <p className="notice notice-ok">{t('reports.closedAt', { time: formatTimestamp(report.closedAt) })}</p>}
            </div>
            <div className="report-actions">
              {(['pdf', 'csv'] as const).map((f) => (
                <button key={f} type="button" className="btn" disabled={exporting != null} onClick={() => void exp(f)}>
                  <Icon name="download" size={20} />
                  {exporting === f ? t('export.working', { format: f.toUpperCase() }) : t(f === 'pdf' ? 'export.pdf' : 'export.csv')}
                </button>
              ))}
            </div>
          </div>
          <div className="report-grid">
            <Reconciliation report={report} />
            <div>
              <Signoffs report={report} store={store} user={user} />
              {enters && report.state !== 'closed' && <VaultForm key={report.batchId} report={report} store={store} />}
            </div>
          </div>
        </>
      )}
    </div>
  );
}
