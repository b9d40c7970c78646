import { useState } from 'react';
import { useStore } from 'zustand';
import type { DeviceCommand, DeviceState, DeviceStatus } from '../../../../shared/domain/device';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon, type IconName } from '../../components/Icon';
import { Empty, Loading } from '../../components/States';
import { t } from '../../i18n/t';
import { deviceWords } from '../../i18n/status-words';
import { describeError, type ShownError } from '../../station/errors';

const ICON: Record<DeviceState, IconName> = { online: 'check', busy: 'clock', offline: 'cross', error: 'warn' };

export function DevicePanel() {
  const { devices } = useStores();
  const list = useStore(devices, (s) => s.list);
  const loaded = useStore(devices, (s) => s.loaded);
  const error = useStore(devices, (s) => s.error);
  return (
    <section className="panel devices" aria-labelledby="devices-title">
      <h2 id="devices-title">{t('devices.title')}</h2>
      {!loaded && <Loading />}
      {error && <ErrorBox error={error} />}
      {loaded && !list.length && !error && <Empty>{t('devices.empty')}</Empty>}
      <ul className="device-list">
        {list.map((d) => (
          <li key={d.id} className={`device device-${d.state}`} data-testid="device" data-device={d.id} data-state={d.state}>
            <div className="device-line">
              <span className={`badge badge-dev-${d.state}`}>
                <Icon name={ICON[d.state]} size={18} />
                {t(`devices.state.${d.state}`)}
              </span>
              <strong>{d.name}</strong>
              <span className="muted">{t(`devices.kind.${d.kind}`)}</span>
            </div>
            <DeviceWords device={d} />
            {!!d.commands?.length && <DeviceCommands device={d} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The commands a device offers now (a laser after an alarm: unlock, home), one button each. */
function DeviceCommands({ device }: { device: DeviceStatus }) {
  const { api } = useStores();
  const [busy, setBusy] = useState<DeviceCommand | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const run = async (command: DeviceCommand) => {
    setBusy(command);
    setError(null);
    try {
      await api.call('devices.perform', { deviceId: device.id, command });
    } catch (e) {
      setError(describeError(t('devices.commandFailed', { device: device.name }), e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="device-commands">
      {device.commands!.map((c) => (
        <button key={c} type="button" className="btn" data-testid={`device-${c}`} disabled={busy !== null} onClick={() => void run(c)}>
          {t(`devices.command.${c}`)}
        </button>
      ))}
      {error && <ErrorBox error={error} />}
    </div>
  );
}

/** The device's state in the catalogue's words (never the driver's own text, which is the log's). */
function DeviceWords({ device }: { device: DeviceStatus }) {
  const w = deviceWords(device);
  return (
    <>
      <p className="device-message">{w.text}</p>
      {w.action && <p className="device-action">{t('devices.action', { action: w.action })}</p>}
    </>
  );
}
