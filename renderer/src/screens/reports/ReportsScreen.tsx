import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { createReportsStore, type Range } from '../../stores/reports';
import { throttle } from '../../stores/batcher';
import { t } from '../../i18n/t';
import { BatchReportPanel } from './BatchReportPanel';
import { ChartsPanel, bucketFor } from './ChartsPanel';
import { RangeForm, ShiftReport } from './ShiftReport';

const HOUR = 3_600_000;

/** Batch reconciliation and sign-off, the shift report and the charts. */
export function ReportsScreen() {
  const s = useStores();
  const user = useStore(s.session, (x) => x.info?.user ?? null);
  const list = useStore(s.batches, (x) => x.list);
  const [store] = useState(() => createReportsStore(s.api));
  const batchId = useStore(store, (x) => x.batchId);
  const [range, setRange] = useState<Range>(() => {
    const to = Date.now();
    return { from: to - 12 * HOUR, to };
  });

  useEffect(() => {
    void s.batches.getState().load();
    // Opened from the operator screen: the batch shown there.
    void store.getState().selectBatch(s.batches.getState().selectedId);
    // A decision on a card of the batch changes its counts and blockers.
    const reload = throttle(() => void store.getState().reload(), 1000);
    const offs = [
      s.api.on('reports.changed', (p) => {
        store.getState().changed(p.batchId);
        void s.batches.getState().load();
      }),
      s.api.on('card.updated', (p) => {
        if (p.batchId === store.getState().batchId) reload();
      }),
    ];
    return () => {
      for (const off of offs) off();
      reload.cancel();
    };
  }, [s, store]);
  useEffect(() => {
    if (user?.role === 'operator') return; // the operator's part is the batch: vault and sign-off
    void store.getState().loadShift(range);
    void store.getState().loadCharts(range, bucketFor(range.to - range.from));
  }, [range, store, user?.role]);

  if (!user) return null;
  return (
    <div className="reports" data-testid="reports-screen">
      <section className="panel" aria-label={t('reports.batchTitle')}>
        <label className="field picker">
          <span>{t('reports.pickBatch')}</span>
          <select name="report-batch" value={batchId ?? ''} onChange={(e) => void store.getState().selectBatch(e.target.value || null)}>
            <option value="">{t('reports.pickNone')}</option>
            {list.map((b) => (
              <option key={b.batchId} value={b.batchId}>
                {b.batchId} — {b.productName} ({t(`reports.state.${b.state}`)})
              </option>
            ))}
          </select>
        </label>
      </section>
      {batchId && <BatchReportPanel store={store} user={user} />}
      {user.role !== 'operator' && (
        <>
          <section className="panel" aria-label={t('shift.title')}>
            <RangeForm initial={range} onRange={setRange} />
          </section>
          <ShiftReport store={store} range={range} />
          <ChartsPanel store={store} />
        </>
      )}
    </div>
  );
}
