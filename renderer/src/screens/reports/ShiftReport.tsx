import { useState } from 'react';
import { useStore } from 'zustand';
import type { ReportsStore, Range } from '../../stores/reports';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon } from '../../components/Icon';
import { DATE_TIME_FIELD, formatDateTimeInput, formatTimestamp, parseLocalDateTime } from '../../format/format';
import { t } from '../../i18n/t';
import { percentText, signed, verdict } from './report-text';
import { downloadFile } from './download-file';

/** epoch ms → the value of a date-time field (local time, ISO 24-hour). */
export const toLocalInput = formatDateTimeInput;

/** The time range of the shift report and the charts; calls onRange with a valid range. */
export function RangeForm({ initial, onRange }: { initial: Range; onRange(r: Range): void }) {
  const [from, setFrom] = useState(toLocalInput(initial.from));
  const [to, setTo] = useState(toLocalInput(initial.to));
  const [bad, setBad] = useState(false);
  return (
    <form
      className="range-form"
      onSubmit={(e) => {
        e.preventDefault();
        const f = parseLocalDateTime(from);
        // "to" is a minute: include all of it.
        const tt = parseLocalDateTime(to);
        const r = f != null && tt != null ? { from: f, to: tt + 59_999 } : null;
        if (!r || r.to <= r.from || r.to - r.from > 7 * 86_400_000) return setBad(true);
        setBad(false);
        onRange(r);
      }}
    >
      <label className="field">
        <span>{t('shift.from')}</span>
        <input {...DATE_TIME_FIELD} name="shift-from" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('shift.to')}</span>
        <input {...DATE_TIME_FIELD} name="shift-to" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <button type="submit" className="btn btn-primary">
        {t('shift.show')}
      </button>
      {bad && (
        <p className="field-error" role="alert">
          {t('shift.badRange')}
        </p>
      )}
    </form>
  );
}

export function ShiftReport({ store, range }: { store: ReportsStore; range: Range }) {
  const shift = useStore(store, (s) => s.shift);
  const error = useStore(store, (s) => s.shiftError);
  const exp = async (format: 'pdf' | 'csv') => {
    const f = await store.getState().exportShift(range, format);
    if (f) downloadFile(f);
  };
  return (
    <section className="panel" aria-labelledby="shift-title" data-testid="shift-report">
      <div className="panel-head">
        <h2 id="shift-title">{t('shift.title')}</h2>
        {shift && (
          <span className="hint">
            {formatTimestamp(shift.from)} – {formatTimestamp(shift.to)}
          </span>
        )}
        <div className="report-actions">
          <button type="button" className="btn" onClick={() => void exp('pdf')}>
            <Icon name="download" size={20} /> {t('export.pdf')}
          </button>
          <button type="button" className="btn" onClick={() => void exp('csv')}>
            <Icon name="download" size={20} /> {t('export.csv')}
          </button>
        </div>
      </div>
      {error && <ErrorBox error={error} />}
      {shift && (
        <>
          <p className={verdict(shift.reconciliation).ok ? 'notice notice-ok' : 'notice notice-warn'}>
            {t('recon.good')}: {shift.reconciliation.good} · {t('recon.spoiled')}: {shift.reconciliation.spoiled} · {t('recon.yield')}: {percentText(shift.yield)} ·{' '}
            {shift.missingFigures.length
              ? shift.missingFigures.map((m) => t('shift.lacks', { batch: m.batchId, figures: m.figures.map((f) => t(`shift.figure.${f}`)).join(', ') })).join(' ')
              : verdict(shift.reconciliation).text}
          </p>
          {shift.batches.length === 0 ? (
            <p className="hint">{t('shift.empty')}</p>
          ) : (
            <>
              <h3>{t('shift.batches')}</h3>
              <table className="log-table">
                <thead>
                  <tr>
                    {(['batch', 'product', 'state', 'good', 'spoiled', 'balance', 'signoffs'] as const).map((c) => (
                      <th key={c} scope="col">{t(`shift.col.${c}`)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {shift.batches.map((b) => (
                    <tr key={b.batchId}>
                      <td className="mono">{b.batchId}</td>
                      <td>{b.productName}</td>
                      <td>{t(`reports.state.${b.state}`)}</td>
                      <td className="num">{b.reconciliation.good}</td>
                      <td className="num">{b.reconciliation.spoiled}</td>
                      <td>{b.reconciliation.balanced ? t('shift.balanced') : `${t('shift.notBalanced')} (${signed(b.reconciliation.difference)})`}</td>
                      <td>{b.signoffs.map((s) => `${t(`signoff.role.${s.role}`)}: ${s.username}`).join(', ') || t('signoff.notSigned')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3>{t('shift.operators')}</h3>
              <table className="log-table">
                <thead>
                  <tr>
                    {(['user', 'good', 'spoiled', 'decisions', 'vault', 'signoffs'] as const).map((c) => (
                      <th key={c} scope="col">{t(`shift.col.${c}`)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {shift.operators.map((o) => (
                    <tr key={o.username}>
                      <td>{o.username}</td>
                      <td className="num">{o.passed}</td>
                      <td className="num">{o.spoiled}</td>
                      <td className="num">{o.decisions}</td>
                      <td className="num">{o.vaultEntries}</td>
                      <td className="num">{o.signoffs}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}
