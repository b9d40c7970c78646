import { useState } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon } from '../../components/Icon';
import { ImportButton, ImportStatus } from './ImportButton';
import { tally } from '../../format/format';
import { t } from '../../i18n/t';

/** Batch picker, the batch-ticket scan field (a scanner types the id then Enter) and import. */
export function BatchBar() {
  const { batches } = useStores();
  const list = useStore(batches, (s) => s.list);
  const loaded = useStore(batches, (s) => s.loaded);
  const selectedId = useStore(batches, (s) => s.selectedId);
  const scanMessage = useStore(batches, (s) => s.scanMessage);
  const error = useStore(batches, (s) => s.error);
  const [scan, setScan] = useState('');
  const selected = list.find((b) => b.batchId === selectedId);

  return (
    <section className="panel batchbar" aria-label={t('batch.title')}>
      <div className="batchbar-row">
        <form
          className="field scan"
          onSubmit={(e) => {
            e.preventDefault();
            void batches
              .getState()
              .scan(scan)
              .then((ok) => {
                if (ok) setScan('');
              });
          }}
        >
          <label htmlFor="scan-input">
            <Icon name="scan" size={20} /> {t('batch.scan')}
          </label>
          <input
            id="scan-input"
            name="scan"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            aria-describedby="scan-hint"
            value={scan}
            onChange={(e) => setScan(e.target.value)}
          />
          <small id="scan-hint">{t('batch.scanHint')}</small>
        </form>
        <label className="field picker">
          <span>{t('batch.pick')}</span>
          <select value={selectedId ?? ''} onChange={(e) => batches.getState().select(e.target.value || null)} disabled={!list.length}>
            {!selectedId && <option value="">{loaded && !list.length ? t('batch.none') : t('batch.pick')}</option>}
            {list.map((b) => {
              const tl = tally(b.counts);
              return (
                <option key={b.batchId} value={b.batchId}>
                  {t('batch.option', { id: b.batchId, product: b.productName, done: tl?.done ?? 0, total: b.counts.total })}
                  {b.state !== 'open' ? ` — ${t(`batch.state.${b.state}`)}` : ''}
                </option>
              );
            })}
          </select>
          {selected && <small>{t('batch.product', { name: selected.productName })}</small>}
        </label>
        <ImportButton />
      </div>
      <ImportStatus />
      {scanMessage && (
        <p className={scanMessage.ok ? 'notice notice-ok' : 'notice notice-bad'} role={scanMessage.ok ? 'status' : 'alert'}>
          <Icon name={scanMessage.ok ? 'check' : 'warn'} size={20} /> {scanMessage.text}
        </p>
      )}
      {loaded && !list.length && <p className="hint">{t('batch.none')}</p>}
      {error && <ErrorBox error={error} />}
    </section>
  );
}
