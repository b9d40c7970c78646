import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { CeremonyStatusDto, KeyInfoDto } from '../../../shared/contract/areas/keys';
import { describeError, type ShownError } from '../station/errors';
import { t } from '../i18n/t';
import { componentBytes, sealComponent } from './seal-component';

// Keys: the administrator's list (KCVs only) and the dual-control ceremony. A component the
// custodian typed is sent once and never kept here: only its KCV comes back and is shown.
export interface CeremonyForm {
  keyId: string;
  label: string;
  algorithm: 'AES' | 'DES3';
  length: 16 | 24 | 32;
  components: 2 | 3;
  test: boolean;
}

export interface KeysState {
  keys: KeyInfoDto[];
  keysLoaded: boolean;
  ceremonies: CeremonyStatusDto[];
  loaded: boolean;
  error: ShownError | null;
  /** What the last accepted component (or finished key) said, by ceremony. */
  results: Record<string, string>;
  busy: boolean;
  loadKeys(): Promise<void>;
  loadCeremonies(): Promise<void>;
  start(form: CeremonyForm): Promise<boolean>;
  enter(ceremonyId: string, componentHex: string): Promise<boolean>;
  abort(ceremonyId: string): Promise<boolean>;
  /** Two-person delete: the first administrator asks, a second one confirms with the same call. */
  remove(keyId: string): Promise<boolean>;
}

export function createKeysStore(api: StationApi) {
  return createStore<KeysState>()((set, get) => {
    const run = async (what: string, fn: () => Promise<void>): Promise<boolean> => {
      set({ busy: true, error: null });
      try {
        await fn();
        set({ busy: false });
        return true;
      } catch (e) {
        set({ busy: false, error: describeError(what, e) });
        return false;
      }
    };
    return {
      keys: [],
      keysLoaded: false,
      ceremonies: [],
      loaded: false,
      error: null,
      results: {},
      busy: false,
      loadKeys: async () => {
        try {
          set({ keys: await api.call('keys.list', {}), keysLoaded: true });
        } catch (e) {
          set({ keysLoaded: true, error: describeError(t('keys.listFailed'), e) });
        }
      },
      loadCeremonies: async () => {
        try {
          set({ ceremonies: await api.call('keys.ceremony.list', {}), loaded: true });
        } catch (e) {
          set({ loaded: true, error: describeError(t('keys.open.failed'), e) });
        }
      },
      start: (f) =>
        run(t('keys.start.failed'), async () => {
          const c = await api.call('keys.ceremony.start', { keyId: f.keyId.trim(), label: f.label.trim(), algorithm: f.algorithm, length: f.length, components: f.components, test: f.test });
          set({ ceremonies: [...get().ceremonies.filter((x) => x.ceremonyId !== c.ceremonyId), c] });
        }),
      enter: (ceremonyId, componentHex) =>
        run(t('keys.enter.failed'), async () => {
          const c = get().ceremonies.find((x) => x.ceremonyId === ceremonyId);
          // Parsed and encrypted here: the station receives ciphertext only (seal-component.ts).
          const bytes = componentBytes(componentHex);
          if (!bytes) throw new Error(t('keys.enter.notHex'));
          const offer = await api.call('keys.ceremony.transportKey', { ceremonyId });
          const sealed = await sealComponent(bytes, ceremonyId, offer);
          const r = await api.call('keys.ceremony.component', { ceremonyId, sealed });
          const text = r.keyKcv
            ? t('keys.complete', { keyId: c?.keyId ?? '', kcv: r.keyKcv })
            : t('keys.componentKcv', { index: r.index, kcv: r.kcv, remaining: r.remaining });
          set({ results: { ...get().results, [ceremonyId]: text } });
          if (r.remaining === 0) set({ ceremonies: get().ceremonies.filter((x) => x.ceremonyId !== ceremonyId) });
          else {
            try {
              const now = await api.call('keys.ceremony.status', { ceremonyId });
              set({ ceremonies: get().ceremonies.map((x) => (x.ceremonyId === ceremonyId ? now : x)) });
            } catch {
              // the accepted component stands; the list refreshes on the next visit
            }
          }
        }),
      remove: (keyId) =>
        run(t('keys.delete.failed'), async () => {
          const r = await api.call('keys.delete', { keyId });
          set({ results: { ...get().results, [`delete:${keyId}`]: t(r.state === 'deleted' ? 'keys.delete.done' : 'keys.delete.pending', { keyId }) } });
          if (r.state === 'deleted') set({ keys: get().keys.filter((k) => k.id !== keyId) });
        }),
      abort: (ceremonyId) =>
        run(t('keys.abort.failed'), async () => {
          await api.call('keys.ceremony.abort', { ceremonyId });
          set({ ceremonies: get().ceremonies.filter((x) => x.ceremonyId !== ceremonyId) });
        }),
    };
  });
}
export type KeysStore = ReturnType<typeof createKeysStore>;
