import { useStore } from 'zustand';
import type { DeviceState } from '../../../../shared/domain/device';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon, type IconName } from '../../components/Icon';
import { Empty, Loading } from '../../components/States';
import { t } from '../../i18n/t';

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
          <li key={d.id} className={`device device-${d.state}`} data-testid="device" data-state={d.state}>
            <div className="device-line">
              <span className={`badge badge-dev-${d.state}`}>
                <Icon name={ICON[d.state]} size={18} />
                {t(`devices.state.${d.state}`)}
              </span>
              <strong>{d.name}</strong>
              <span className="muted">{t(`devices.kind.${d.kind}`)}</span>
            </div>
            {d.message && <p className="device-message">{d.message}</p>}
            {d.action && (d.state === 'error' || d.state === 'offline') && <p className="device-action">{t('devices.action', { action: d.action })}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
