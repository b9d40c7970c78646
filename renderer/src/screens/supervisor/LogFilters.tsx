import { useState } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { Icon } from '../../components/Icon';
import { EMPTY_FORM, toLogFilter, type LogForm } from '../../stores/log';
import { downloadText } from './download';
import { DATE_TIME_FIELD } from '../../format/format';
import { t } from '../../i18n/t';

const SEVERITIES = ['info', 'warn', 'error'] as const;

export function LogFilters() {
  const { log } = useStores();
  const exporting = useStore(log, (s) => s.exporting);
  const [form, setForm] = useState<LogForm>(EMPTY_FORM);
  const field = (k: Exclude<keyof LogForm, 'severity'>, label: string, extra?: { type?: string; hint?: string; inputMode?: 'numeric'; placeholder?: string; pattern?: string }) => (
    <label className="field">
      <span>{label}</span>
      <input
        name={k}
        type={extra?.type ?? 'text'}
        inputMode={extra?.inputMode}
        placeholder={extra?.placeholder}
        pattern={extra?.pattern}
        value={form[k]}
        onChange={(e) => setForm({ ...form, [k]: e.target.value })}
        autoComplete="off"
      />
      {extra?.hint && <small>{extra.hint}</small>}
    </label>
  );

  return (
    <form
      className="panel log-filters"
      aria-label={t('log.filters')}
      onSubmit={(e) => {
        e.preventDefault();
        void log.getState().query(toLogFilter(form));
      }}
    >
      <div className="search-row">
        <label className="field grow">
          <span>{t('log.text')}</span>
          <input name="text" type="search" value={form.text} onChange={(e) => setForm({ ...form, text: e.target.value })} />
        </label>
        <button type="submit" className="btn btn-primary btn-large">
          {t('log.apply')}
        </button>
        <button
          type="button"
          className="btn btn-large"
          onClick={() => {
            setForm(EMPTY_FORM);
            void log.getState().query({});
          }}
        >
          {t('log.clear')}
        </button>
        <button
          type="button"
          className="btn btn-large"
          disabled={exporting}
          onClick={async () => {
            // Export what the form says now, even if it was not applied yet.
            await log.getState().query(toLogFilter(form));
            const out = await log.getState().exportCsv();
            if (out) downloadText(out.fileName, out.csv);
          }}
        >
          <Icon name="download" /> {exporting ? t('log.exporting') : t('log.export')}
        </button>
      </div>
      <div className="filter-grid">
        {field('batchId', t('log.batch'))}
        {field('recordId', t('log.record'))}
        {field('cardId', t('log.cardNo'), { inputMode: 'numeric' })}
        {field('maskedPan', t('log.pan'))}
        {field('user', t('log.user'))}
        {field('types', t('log.type'), { hint: t('log.typeHint') })}
        {field('from', t('log.from'), DATE_TIME_FIELD)}
        {field('to', t('log.to'), DATE_TIME_FIELD)}
        <fieldset className="field severity">
          <legend>{t('log.severity')}</legend>
          {SEVERITIES.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                name={`severity-${s}`}
                checked={form.severity.includes(s)}
                onChange={(e) => setForm({ ...form, severity: e.target.checked ? [...form.severity, s] : form.severity.filter((x) => x !== s) })}
              />
              {t(`severity.${s}`)}
            </label>
          ))}
        </fieldset>
      </div>
    </form>
  );
}
