import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { DeviceStatus } from '../../../shared/domain/device';
import { describeError, type ShownError } from '../station/errors';
import { t } from '../i18n/t';

export interface DevicesState {
  list: DeviceStatus[];
  loaded: boolean;
  error: ShownError | null;
  load(): Promise<void>;
  changed(d: DeviceStatus): void;
}

export function upsertDevice(list: DeviceStatus[], d: DeviceStatus): DeviceStatus[] {
  const i = list.findIndex((x) => x.id === d.id);
  if (i < 0) return [...list, d];
  const next = list.slice();
  next[i] = d;
  return next;
}

export function createDevicesStore(api: StationApi) {
  return createStore<DevicesState>()((set, get) => ({
    list: [],
    loaded: false,
    error: null,
    load: async () => {
      try {
        set({ list: await api.call('devices.list', {}), loaded: true, error: null });
      } catch (e) {
        set({ loaded: true, error: describeError(t('devices.loadFailed'), e) });
      }
    },
    changed: (d) => set({ list: upsertDevice(get().list, d) }),
  }));
}
export type DevicesStore = ReturnType<typeof createDevicesStore>;
