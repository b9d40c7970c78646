import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import type { LogEntry } from '../../../../shared/contract/dto';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon, type IconName } from '../../components/Icon';
import { Empty, Loading } from '../../components/States';
import { useFixedRows } from '../operator/fixed-rows';
import { formatTimestamp } from '../../format/format';
import { t } from '../../i18n/t';

const SEV_ICON: Record<LogEntry['severity'], IconName> = { info: 'info', warn: 'warn', error: 'cross' };
const ROW_HEIGHT = 40;
const OVERSCAN = 8;
/** The scroller's CSS height (.log-scroll), used before it is measured. */
const VIEW_HEIGHT = 560;
/** Older entries are asked for this many rows before the end of what is loaded. */
const FETCH_AHEAD = 60;

/**
 * The station log as a windowed table: only the rows on screen are in the page, however many
 * pages are loaded; scrolling near the end asks for the next (older) page by its seq cursor.
 */
export function LogTable() {
  const { log } = useStores();
  const rows = useStore(log, (s) => s.rows);
  const loading = useStore(log, (s) => s.loading);
  const loaded = useStore(log, (s) => s.loaded);
  const next = useStore(log, (s) => s.nextBeforeSeq);
  const error = useStore(log, (s) => s.error);
  const newCount = useStore(log, (s) => s.newCount);
  const exported = useStore(log, (s) => s.exported);
  const filter = useStore(log, (s) => s.filter);
  const scroller = useRef<HTMLDivElement>(null);
  // A new filter starts at its newest entry, not as deep as the last one was scrolled.
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [filter]);
  const { first, last, pool, totalHeight } = useFixedRows(scroller, rows.length, ROW_HEIGHT, OVERSCAN, VIEW_HEIGHT);

  useEffect(() => {
    if (next != null && !loading && rows.length > 0 && last >= rows.length - FETCH_AHEAD) void log.getState().more();
  }, [last, rows.length, next, loading, log]);

  const shown: LogEntry[] = [];
  for (let i = first; i <= last; i++) shown.push(rows[i]);

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
      {/* Always in the page (empty: no height), so the window hook has its scroller from the start. */}
      <div className={'log-grid' + (rows.length ? '' : ' log-grid-empty')} role="table" aria-label={t('log.title')} aria-rowcount={rows.length + 1} data-testid="log-table">
        <div className="log-row log-head" role="row">
          <span role="columnheader" title={t('log.col.time')}>{t('log.col.time')}</span>
          <span role="columnheader" title={t('log.col.severity')}>{t('log.col.severity')}</span>
          <span role="columnheader" title={t('log.col.type')}>{t('log.col.type')}</span>
          <span role="columnheader" title={t('log.col.user')}>{t('log.col.user')}</span>
          <span role="columnheader" title={t('log.col.card')}>{t('log.col.card')}</span>
          <span role="columnheader" title={t('log.col.message')}>{t('log.col.message')}</span>
        </div>
        <div ref={scroller} className="log-scroll" role="rowgroup" tabIndex={rows.length ? 0 : -1} data-testid="log-scroll">
          <div className="log-inner" style={{ height: totalHeight }}>
            {shown.map((r, k) => (
              // Keyed by slot: scrolling reuses the same DOM rows and only changes their text.
              <LogRow key={(first + k) % pool} r={r} index={first + k} />
            ))}
          </div>
        </div>
      </div>
      {loading && <Loading />}
      {loaded && !loading && rows.length > 0 && next == null && <p className="muted">{t('log.end')}</p>}
    </section>
  );
}

function LogRow({ r, index }: { r: LogEntry; index: number }) {
  const card = [r.batchId, r.recordId, r.cardId != null ? `#${r.cardId}` : null, r.maskedPan].filter(Boolean).join(' · ');
  const type = r.type + (r.outcome === 'failure' ? ` (${t('outcome.failure')})` : '');
  return (
    <div role="row" aria-rowindex={index + 2} className={`log-row log-entry sev-${r.severity}`} data-seq={r.seq} data-testid="log-row" style={{ transform: `translateY(${index * ROW_HEIGHT}px)`, height: ROW_HEIGHT }}>
      <span role="cell" className="mono">{formatTimestamp(r.ts)}</span>
      <span role="cell">
        <span className={`badge badge-sev-${r.severity}`}>
          <Icon name={SEV_ICON[r.severity]} size={16} />
          {t(`severity.${r.severity}`)}
        </span>
      </span>
      <span role="cell" className="mono" title={type}>{type}</span>
      <span role="cell" title={r.user ?? ''}>{r.user ?? ''}</span>
      <span role="cell" className="mono" title={card}>{card}</span>
      <span role="cell" title={r.message}>{r.message}</span>
    </div>
  );
}
