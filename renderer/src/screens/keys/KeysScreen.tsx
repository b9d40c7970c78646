import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { StationApi } from '../../../../shared/contract/api';
import type { CeremonyStatusDto } from '../../../../shared/contract/areas/keys';
import { useStores } from '../../components/context';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon } from '../../components/Icon';
import { Empty, Loading } from '../../components/States';
import { createKeysStore, type KeysStore } from '../../stores/keys';
import { formatTimestamp } from '../../format/format';
import { StartCeremony } from './StartCeremony';
import { HsmPin } from './HsmPin';
import { t } from '../../i18n/t';

const stores = new WeakMap<StationApi, KeysStore>();

export function KeysScreen() {
  const { api, session } = useStores();
  let k = stores.get(api);
  if (!k) stores.set(api, (k = createKeysStore(api)));
  const ks = k;
  const admin = useStore(session, (s) => s.info?.user?.role === 'administrator');
  const s = useStore(ks);

  useEffect(() => {
    if (admin) void ks.getState().loadKeys();
    void ks.getState().loadCeremonies();
  }, [ks, admin]);

  const open = new Set(s.ceremonies.map((c) => c.ceremonyId));
  const finished = Object.entries(s.results).filter(([id]) => !open.has(id));
  return (
    <div className="keys" data-testid="keys-screen">
      {s.error && <ErrorBox error={s.error} onDismiss={() => ks.setState({ error: null })} />}
      {finished.map(([id, text]) => (
        <p key={id} className="notice notice-ok" role="status">
          <Icon name="check" size={20} /> {text}
        </p>
      ))}
      <section className="panel" aria-labelledby="ceremonies-title">
        <h2 id="ceremonies-title">{t('keys.open.title')}</h2>
        {!s.loaded && <Loading />}
        {s.loaded && !s.ceremonies.length && <Empty>{t('keys.open.empty')}</Empty>}
        {s.ceremonies.map((c) => (
          <Ceremony key={c.ceremonyId} c={c} ks={ks} admin={admin} result={s.results[c.ceremonyId]} />
        ))}
      </section>
      {admin && <HsmPin />}
      {admin && <StartCeremony ks={ks} />}
      {admin && (
        <section className="panel" aria-labelledby="keylist-title">
          <h2 id="keylist-title">{t('keys.list')}</h2>
          {!s.keysLoaded && <Loading />}
          {s.keysLoaded && !s.keys.length && <Empty>{t('keys.empty')}</Empty>}
          {s.keys.length > 0 && (
            <div className="table-wrap">
              <table className="log-table" data-testid="key-table">
                <thead>
                  <tr>
                    {(['id', 'label', 'alg', 'kcv', 'where', 'origin', 'custodians', 'created', 'actions'] as const).map((c) => (
                      <th key={c} scope="col">
                        {t(`keys.col.${c}`)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {s.keys.map((x) => (
                    <tr key={x.id} data-key={x.id}>
                      <td className="mono">{x.id}</td>
                      <td>
                        {x.label} {x.test && <span className="badge badge-held">{t('keys.test')}</span>}
                      </td>
                      <td>
                        {x.algorithm}-{x.length * 8}
                      </td>
                      <td className="mono">{x.kcv}</td>
                      <td>{t(`keys.where.${x.location}`)}</td>
                      <td>{t(`keys.origin.${x.origin}`)}</td>
                      <td>{x.custodians.join(', ')}</td>
                      <td className="nowrap">
                        {formatTimestamp(x.createdAt)} · {x.createdBy}
                      </td>
                      <td>
                        <button type="button" className="btn" disabled={s.busy} onClick={() => void ks.getState().remove(x.id)} data-testid={`delete-${x.id}`}>
                          {t('keys.delete')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </div>
  );
}

function Ceremony({ c, ks, admin, result }: { c: CeremonyStatusDto; ks: KeysStore; admin: boolean; result?: string }) {
  const me = useStore(useStores().session, (s) => s.info?.user?.username ?? '');
  const busy = useStore(ks, (s) => s.busy);
  const [hex, setHex] = useState('');
  const [aborting, setAborting] = useState(false);
  const mine = c.entered.some((e) => e.custodian.toLowerCase() === me.toLowerCase());
  const fieldId = `component-${c.ceremonyId}`;
  return (
    <div className="ceremony" data-testid="ceremony" data-key={c.keyId}>
      <p>
        <strong>{t('keys.ceremony', { keyId: c.keyId, algorithm: c.algorithm, length: c.length, entered: c.entered.length, components: c.components })}</strong>
      </p>
      <ul className="plain-list">
        {c.entered.map((e) => (
          <li key={e.index} className="mono">
            <Icon name="check" size={18} /> {t('keys.entered', { index: e.index, custodian: e.custodian, kcv: e.kcv })}
          </li>
        ))}
      </ul>
      {result && (
        <p className="notice notice-ok" role="status">
          <Icon name="check" size={20} /> {result}
        </p>
      )}
      {!mine && (
        <form
          className="search-row"
          onSubmit={async (e) => {
            e.preventDefault();
            const typed = hex;
            // The component leaves the field at once, accepted or not: it is not kept on screen.
            setHex('');
            await ks.getState().enter(c.ceremonyId, typed);
          }}
        >
          <label className="field grow" htmlFor={fieldId}>
            <span>{t('keys.component')}</span>
            <input id={fieldId} name="component" type="password" autoComplete="off" spellCheck={false} required value={hex} aria-describedby={`${fieldId}-hint`} onChange={(e) => setHex(e.target.value)} />
            <small id={`${fieldId}-hint`}>{t('keys.componentHint', { digits: c.length * 2 })}</small>
          </label>
          <button type="submit" className="btn btn-primary btn-large" disabled={busy || !hex.trim()}>
            {t('keys.enter')}
          </button>
        </form>
      )}
      {admin && (
        <button type="button" className="btn btn-danger" onClick={() => setAborting(true)}>
          {t('keys.abort')}
        </button>
      )}
      {aborting && (
        <ConfirmDialog
          title={t('keys.abort.title', { keyId: c.keyId })}
          confirmLabel={t('keys.abort.ok')}
          danger
          onCancel={() => setAborting(false)}
          onConfirm={() => {
            setAborting(false);
            void ks.getState().abort(c.ceremonyId);
          }}
        >
          <p>{t('keys.abort.body')}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
