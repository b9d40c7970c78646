import { useState } from 'react';
import { useStore } from 'zustand';
import type { CeremonyForm, KeysStore } from '../../stores/keys';
import { t } from '../../i18n/t';

const EMPTY: CeremonyForm = { keyId: '', label: '', algorithm: 'AES', length: 16, components: 2, test: false };

/** The administrator opens a ceremony; the custodians then enter the components. */
export function StartCeremony({ ks }: { ks: KeysStore }) {
  const busy = useStore(ks, (s) => s.busy);
  const [f, setF] = useState<CeremonyForm>(EMPTY);
  const lengths = f.algorithm === 'AES' ? [16, 24, 32] : [16, 24];
  return (
    <form
      className="panel"
      aria-labelledby="start-title"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await ks.getState().start(f)) setF(EMPTY);
      }}
    >
      <h2 id="start-title">{t('keys.start.title')}</h2>
      <p className="hint">{t('keys.start.intro')}</p>
      <div className="filter-grid">
        <label className="field">
          <span>{t('keys.keyId')}</span>
          <input name="keyId" required autoComplete="off" value={f.keyId} onChange={(e) => setF({ ...f, keyId: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('keys.label')}</span>
          <input name="label" required autoComplete="off" value={f.label} onChange={(e) => setF({ ...f, label: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('keys.algorithm')}</span>
          <select name="algorithm" value={f.algorithm} onChange={(e) => setF({ ...f, algorithm: e.target.value as CeremonyForm['algorithm'], length: 16 })}>
            <option value="AES">AES</option>
            <option value="DES3">DES3</option>
          </select>
        </label>
        <label className="field">
          <span>{t('keys.length')}</span>
          <select name="length" value={f.length} onChange={(e) => setF({ ...f, length: Number(e.target.value) as CeremonyForm['length'] })}>
            {lengths.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('keys.components')}</span>
          <select name="components" value={f.components} onChange={(e) => setF({ ...f, components: Number(e.target.value) as 2 | 3 })}>
            <option value={2}>2</option>
            <option value={3}>3</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" name="test" checked={f.test} onChange={(e) => setF({ ...f, test: e.target.checked })} />
          {t('keys.testKey')}
        </label>
      </div>
      <button type="submit" className="btn btn-primary btn-large" disabled={busy}>
        {t('keys.start')}
      </button>
    </form>
  );
}
