import { useState } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { describeError, type ShownError } from '../../station/errors';
import { HoldDialog } from './HoldDialog';
import { jobRows } from './jobs';
import { formatCount } from '../../format/format';
import { t } from '../../i18n/t';

/** Every open batch with its cards by state; the batch the engine runs on is live. */
export function JobList() {
  const s = useStores();
  const batches = useStore(s.batches, (x) => x.list);
  const status = useStore(s.engine, (x) => x.status);
  const rows = jobRows(batches, status);
  const [asking, setAsking] = useState<{ batchId: string; hold: boolean } | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const hold = async (batchId: string, on: boolean, reason: string) => {
    try {
      await s.api.call('batches.hold', { batchId, hold: on, reason });
      setError(null);
    } catch (e) {
      setError(describeError(t(on ? 'jobs.hold.failed' : 'jobs.release.failed', { id: batchId }), e));
    }
    setAsking(null);
    await s.batches.getState().load();
  };
  return (
    <section className="panel jobs" aria-labelledby="jobs-title" data-testid="job-list">
      <h2 id="jobs-title">{t('jobs.title')}</h2>
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      {!rows.length && <p className="state-empty">{t('batch.none')}</p>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="log-table job-table">
            <thead>
              <tr>
                <th scope="col">{t('jobs.col.batch')}</th>
                <th scope="col">{t('jobs.col.product')}</th>
                {(['queued', 'inProgress', 'good', 'spoiled', 'held', 'total'] as const).map((k) => (
                  <th key={k} scope="col" className="num">
                    {t(`jobs.col.${k}`)}
                  </th>
                ))}
                <th scope="col">
                  <span className="sr-only">{t('jobs.col.action')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.batchId} data-testid="job" data-batch={r.batchId}>
                  <td className="mono">
                    {r.batchId} {r.running && <span className="badge badge-in_progress">{t('jobs.running')}</span>}
                    {r.state === 'held' && <span className="badge badge-held">{t('batch.state.held')}</span>}
                  </td>
                  <td>{r.productName}</td>
                  {(['queued', 'inProgress', 'good', 'spoiled', 'held', 'total'] as const).map((k) => (
                    <td key={k} className="num" data-col={k}>
                      {formatCount(r[k])}
                    </td>
                  ))}
                  <td>
                    <button type="button" className="btn" disabled={r.running} onClick={() => setAsking({ batchId: r.batchId, hold: r.state !== 'held' })}>
                      {t(r.state === 'held' ? 'jobs.release' : 'jobs.hold')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {asking && (
        <HoldDialog
          title={t(asking.hold ? 'jobs.hold.title' : 'jobs.release.title', { id: asking.batchId })}
          body={t(asking.hold ? 'jobs.hold.body' : 'jobs.release.body')}
          okLabel={t(asking.hold ? 'jobs.hold.ok' : 'jobs.release.ok')}
          onCancel={() => setAsking(null)}
          onConfirm={(reason) => hold(asking.batchId, asking.hold, reason)}
        />
      )}
    </section>
  );
}
