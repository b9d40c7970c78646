import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { CallOutput } from '../../../../shared/contract/channels';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon } from '../../components/Icon';
import { describeError, type ShownError } from '../../station/errors';
import type { DeviceStatus } from '../../../../shared/domain/device';
import { whereText } from '../recovery/recovery-text';
import { reasonText } from '../../i18n/reasons';
import { t } from '../../i18n/t';

type PathStatus = CallOutput<'recovery.path'>;

/**
 * Cards left in the machine after an emergency stop, a jam or a crash: each one named (record,
 * masked PAN, where), and the way to clear them — the machine sends them all to the reject bin,
 * or (manual mode) the operator confirms each card taken out. Start stays refused until then.
 */
export function PathPanel() {
  const { api, engine, devices: deviceStore } = useStores();
  const devices = useStore(deviceStore, (s) => s.list);
  const count = useStore(engine, (s) => s.status?.pathCards ?? 0);
  const rev = useStore(engine, (s) => s.status?.rev ?? 0);
  const [path, setPath] = useState<PathStatus | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!count) return setPath(null);
    let live = true;
    api.call('recovery.path', {}).then(
      (p) => live && setPath(p),
      (e) => live && setError(describeError(t('path.loadFailed'), e)),
    );
    return () => {
      live = false;
    };
  }, [api, count, rev]);

  if (!count || !path || !path.cards.length) return null;
  const interrupted = path.cards.some((c) => c.reason === 'INTERRUPTED');
  const clear = async (cardId?: number) => {
    setBusy(true);
    setError(null);
    try {
      setPath(await api.call('recovery.clearPath', cardId === undefined ? {} : { cardId }));
      await engine.getState().load();
    } catch (e) {
      setError(describeError(t('path.clearFailed'), e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel manual" aria-labelledby="path-title" data-testid="path-panel">
      <h2 id="path-title">{t('path.title', { count: path.cards.length })}</h2>
      <p className="manual-instruction" role="alert">
        <Icon name="info" size={40} /> {interrupted ? t('path.afterCrash') : t('path.afterStop')}
      </p>
      <p>{path.clearBy === 'machine' ? t('path.howMachine') : t('path.howByHand')}</p>
      <div className="table-wrap">
        <table className="log-table">
          <thead>
            <tr>
              <th scope="col">{t('path.col.card')}</th>
              <th scope="col">{t('path.col.where')}</th>
              <th scope="col">{t('path.col.reason')}</th>
              {path.clearBy === 'by-hand' && <th scope="col">{t('path.col.action')}</th>}
            </tr>
          </thead>
          <tbody>
            {path.cards.map((c) => (
              <tr key={c.cardId} data-record={c.recordId} data-testid="path-card">
                <td className="mono">{t('path.card', { record: c.recordId, pan: c.maskedPan })}</td>
                <td>{pathWhere(c.step, c.slot, c.deviceId, devices)}</td>
                <td>{reasonText(c.reason)?.summary ?? t('recovery.unknown')}</td>
                {path.clearBy === 'by-hand' && (
                  <td>
                    <button type="button" className="btn" disabled={busy} onClick={() => void clear(c.cardId)}>
                      {t('path.takenOut')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {path.clearBy === 'machine' && (
        <button type="button" className="big-btn big-go" disabled={busy} aria-busy={busy} onClick={() => void clear()}>
          <Icon name="check" size={36} />
          <span className="big-label">{t('path.clear')}</span>
        </button>
      )}
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
    </section>
  );
}

function pathWhere(step: string | null, slot: number | null, device: string | null, devices: readonly DeviceStatus[]): string {
  if (step === 'feed') return t('path.where.input');
  if (step === 'eject') return t('path.where.exit');
  return whereText(step, slot, device, devices);
}
