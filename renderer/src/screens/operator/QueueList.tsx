import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { CardState } from '../../../../shared/domain/card-state';
import { CARD_STATES } from '../../../../shared/domain/card-state';
import { useStores } from '../../components/context';
import { CardStateBadge } from '../../components/StatusBadge';
import { ErrorBox } from '../../components/ErrorBox';
import { Empty, Loading } from '../../components/States';
import { reasonText } from '../../i18n/reasons';
import { formatCount } from '../../format/format';
import { t } from '../../i18n/t';

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
  // initialRect lets the first render lay out rows before the ResizeObserver reports (one frame sooner).
  const v = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12, initialRect: { width: 800, height: 470 } });
  const items = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (count > 0) queue.getState().ensureRange(first, last);
  }, [first, last, count, queue]);

  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [batchId, filter]);

  const hasRows = count > 0 && !!queue.getState().rowAt(first);
  useEffect(() => {
    if (hasRows && !performance.getEntriesByName('station:queue-rows').length) performance.mark('station:queue-rows');
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
        <div className="queue-inner" style={{ height: v.getTotalSize() }}>
          {items.map((it) => {
            const row = queue.getState().rowAt(it.index);
            return (
              <div key={it.key} role="listitem" className="queue-row" style={{ transform: `translateY(${it.start}px)`, height: ROW_HEIGHT }} data-index={it.index}>
                {row ? (
                  <>
                    <span className="mono">{row.recordId}</span>
                    <span className="mono">{row.maskedPan}</span>
                    <CardStateBadge state={row.state} />
                    <span className="detail">{detail(row.state, row.step, row.reason)}</span>
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
