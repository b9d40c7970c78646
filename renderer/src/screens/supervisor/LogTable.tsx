import { useStore } from 'zustand';
import type { LogEntry } from '../../../../shared/contract/dto';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon, type IconName } from '../../components/Icon';
import { Empty, Loading } from '../../components/States';
import { formatTimestamp } from '../../format/format';
import { t } from '../../i18n/t';

const SEV_ICON: Record<LogEntry['severity'], IconName> = { info: 'info', warn: 'warn', error: 'cross' };

export function LogTable() {
  const { log } = useStores();
  const rows = useStore(log, (s) => s.rows);
  const loading = useStore(log, (s) => s.loading);
  const loaded = useStore(log, (s) => s.loaded);
  const next = useStore(log, (s) => s.nextBeforeSeq);
  const error = useStore(log, (s) => s.error);
  const newCount = useStore(log, (s) => s.newCount);
  const exported = useStore(log, (s) => s.exported);

  return (
    <section className="panel log" aria-labelledby="log-title">
      <h2 id="log-title">{t('log.title')}</h2>
      {error && <ErrorBox error={error} />}
      {exported && (
        <p className="notice notice-ok" role="status">
          <Icon name="check" size={20} /> {t('log.exported', { rows: exported.rows, file: exported.fileName })}
        </p>
      )}
      {newCount > 0 && <p className="notice">{t('log.newEntries', { count: newCount })}</p>}
      {loaded && !rows.length && !error && <Empty>{t('log.empty')}</Empty>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="log-table" data-testid="log-table">
            <thead>
              <tr>
                <th scope="col">{t('log.col.time')}</th>
                <th scope="col">{t('log.col.severity')}</th>
                <th scope="col">{t('log.col.type')}</th>
                <th scope="col">{t('log.col.user')}</th>
                <th scope="col">{t('log.col.card')}</th>
                <th scope="col">{t('log.col.message')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.seq} className={`sev-${r.severity}`} data-seq={r.seq}>
                  <td className="mono nowrap">{formatTimestamp(r.ts)}</td>
                  <td className="nowrap">
                    <span className={`badge badge-sev-${r.severity}`}>
                      <Icon name={SEV_ICON[r.severity]} size={16} />
                      {t(`severity.${r.severity}`)}
                    </span>
                  </td>
                  <td className="mono">
                    {r.type}
                    {r.outcome === 'failure' && <span className="muted"> ({t('outcome.failure')})</span>}
                  </td>
                  <td>{r.user ?? ''}</td>
                  <td className="mono">{[r.batchId, r.recordId, r.cardId != null ? `#${r.cardId}` : null, r.maskedPan].filter(Boolean).join(' · ')}</td>
                  <td>{r.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loading && <Loading />}
      {loaded && !loading && rows.length > 0 && (next != null ? (
        <button type="button" className="btn btn-large" onClick={() => void log.getState().more()}>
          {t('log.more')}
        </button>
      ) : (
        <p className="muted">{t('log.end')}</p>
      ))}
    </section>
  );
}
