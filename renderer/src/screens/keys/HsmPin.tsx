import { useState } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { describeError, type ShownError } from '../../station/errors';
import { t } from '../../i18n/t';

// The HSM user PIN, asked for when the station config says keyStore.pin "prompt" and the key
// store is waiting for it. Sent once; the field is cleared; the station never shows it again.
export function HsmPin() {
  const { api, devices } = useStores();
  const waiting = useStore(devices, (s) => s.list.some((d) => d.kind === 'keystore' && d.state !== 'online' && d.note?.code === 'keystore.waitingPin'));
  const [pin, setPin] = useState('');
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  if (!waiting) return null;
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call('keys.hsm.pin', { pin });
    } catch (e) {
      setError(describeError(t('keys.pin.failed'), e));
    } finally {
      setPin('');
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="hsm-pin-title">
      <h2 id="hsm-pin-title">{t('keys.pin.title')}</h2>
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      <label htmlFor="hsm-pin">{t('keys.pin.label')}</label>
      <input id="hsm-pin" type="password" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value)} />
      <button type="button" className="btn btn-primary" disabled={busy || pin.length < 4} onClick={() => void send()}>
        {t('keys.pin.send')}
      </button>
    </section>
  );
}
