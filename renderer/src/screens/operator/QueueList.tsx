import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import type { CardState } from '../../../../shared/domain/card-state';
import { CARD_STATES } from '../../../../shared/domain/card-state';
import { useStores } from '../../components/context';
import { CardStateBadge } from '../../components/StatusBadge';
import { ErrorBox } from '../../components/ErrorBox';
import { Empty, Loading } from '../../components/States';
import { reasonText } from '../../i18n/reasons';
import { formatCount } from '../../format/format';
import { t } from '../../i18n/t';
import { useFixedRows } from './fixed-rows';
import { rowsPainted } from './first-rows';

const ROW_HEIGHT = 52;

/** The whole queue of a batch, virtualized: only the rows on screen exist, fetched a page at a time. */
export function QueueList({ batchId }: { batchId: string | null }) {
  const { queue } = useStores();
  const total = useStore(queue, (s) => s.total);
  const states = useStore(queue, (s) => s.states);
  const error = useStore(queue, (s) => s.error);
  useStore(queue, (s) => s.version); // re-render when cached rows change
  const scroller = useRef<HTMLDivElement>(null);
  const filter = states?.[0] ?? '';

  const count = total ?? 0;
  // The first render lays out rows for the panel's CSS height before anything is measured.
  const { first, last, pool, totalHeight } = useFixedRows(scroller, count, ROW_HEIGHT, 6, 416);
  const indexes: number[] = [];
  for (let i = first; i <= last; i++) indexes.push(i);

  useEffect(() => {
    if (count > 0) queue.getState().ensureRange(first, last);
  }, [first, last, count, queue]);

  // Back to the top when the batch or the filter changes; a new list is at the top already, and
  // writing scrollTop forces a layout before its first rows are painted.
  const shownScope = useRef(`${batchId} ${filter}`);
  useEffect(() => {
    const scope = `${batchId} ${filter}`;
    if (scope === shownScope.current) return;
    shownScope.current = scope;
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [batchId, filter]);

  const hasRows = count > 0 && !!queue.getState().rowAt(first);
  useEffect(() => {
    if (!hasRows) return;
    if (!performance.getEntriesByName('station:queue-rows').length) performance.mark('station:queue-rows');
    rowsPainted();
  }, [hasRows]);

  return (
    <section className="panel queue" aria-labelledby="queue-title">
      <div className="panel-head">
        <h2 id="queue-title">{t('queue.title')}</h2>
        <span className="queue-total" data-testid="queue-total">
          {total != null ? t('queue.total', { count: formatCount(total) }) : ''}
        </span>
        <label className="field inline">
          <span>{t('queue.filter')}</span>
          <select
            value={filter}
            onChange={(e) => queue.getState().setScope({ batchId, states: e.target.value ? [e.target.value as CardState] : null })}
            disabled={!batchId}
          >
            <option value="">{t('queue.filter.all')}</option>
            {CARD_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`state.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <ErrorBox error={error} />}
      <div className="queue-header" aria-hidden="true">
        <span>{t('queue.col.record')}</span>
        <span>{t('queue.col.pan')}</span>
        <span>{t('queue.col.state')}</span>
        <span>{t('queue.col.detail')}</span>
      </div>
      <div ref={scroller} className="queue-scroll" role="list" aria-label={t('queue.title')} tabIndex={0} data-testid="queue-scroll">
        {batchId && total == null && !error && <Loading />}
        {batchId && total === 0 && <Empty>{filter ? t('queue.emptyFilter') : t('queue.empty')}</Empty>}
        {!batchId && <Empty>{t('engine.noBatch')}</Empty>}
        <div className="queue-inner" style={{ height: totalHeight }}>
          {indexes.map((index) => {
            const row = queue.getState().rowAt(index);
            // Keyed by slot, not index: scrolling reuses the same DOM rows and only changes text.
            return (
              <div key={index % pool} role="listitem" className="queue-row" style={{ transform: `translateY(${index * ROW_HEIGHT}px)`, height: ROW_HEIGHT }} data-index={index}>
                {row ? (
                  <>
                    <span className="mono">{row.recordId}</span>
                    <span className="mono">{row.maskedPan}</span>
                    <CardStateBadge state={row.state} />
                    <span className="detail" title={detail(row.state, row.step, row.reason)}>
                      {detail(row.state, row.step, row.reason)}
                    </span>
                  </>
                ) : (
                  <span className="placeholder">{t('queue.loading')}</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}

function detail(state: CardState, step: string | null, reason: string | null): string {
  if (reason && (state === 'failed' || state === 'rejected' || state === 'reworked')) return reasonText(reason)?.summary ?? '';
  if (state === 'in_progress' && step) return t(`step.${step}` as 'step.chip');
  return '';
}
