import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { SessionInfo } from '../../../shared/contract/dto';
import { describeError, type ShownError } from '../station/errors';
import { t } from '../i18n/t';

export interface SessionState {
  info: SessionInfo | null;
  busy: boolean;
  error: ShownError | null;
  /** The session ended by itself (expiry, logout elsewhere): the login screen says so. */
  expired: boolean;
  load(): Promise<void>;
  login(username: string, password: string): Promise<boolean>;
  bootstrap(username: string, displayName: string, password: string): Promise<boolean>;
  logout(): Promise<void>;
  /** A session.changed event. */
  changed(info: SessionInfo | null): void;
  clearError(): void;
}

export function createSessionStore(api: StationApi) {
  // Set while we sign out ourselves, so the session.changed that follows is not an "expiry".
  let leaving = false;
  return createStore<SessionState>()((set, get) => {
    const attempt = async (what: string, run: () => Promise<SessionInfo>): Promise<boolean> => {
      set({ busy: true, error: null });
      try {
        const info = await run();
        set({ info, busy: false, expired: false });
        return true;
      } catch (e) {
        set({ busy: false, error: describeError(what, e) });
        return false;
      }
    };
    return {
      info: null,
      busy: false,
      error: null,
      expired: false,
      load: async () => {
        try {
          get().changed(await api.call('session.status', {}));
          set({ error: null });
        } catch (e) {
          set({ error: describeError(t('app.loading'), e) });
        }
      },
      login: (username, password) => {
        leaving = false;
        return attempt(t('login.failed'), () => api.call('session.login', { username, password }));
      },
      bootstrap: (username, displayName, password) =>
        attempt(t('bootstrap.failed'), () => api.call('session.bootstrap', { username, displayName, password })),
      logout: async () => {
        leaving = true;
        await attempt(t('app.logout'), () => api.call('session.logout', {}));
      },
      changed: (raw) => {
        const before = get().info;
        // The bridge reports a locked session as a bare null: read it as "no user".
        const info: SessionInfo = raw ?? { user: null, needsBootstrap: false, testKeys: before?.testKeys ?? false, stationName: before?.stationName ?? '' };
        // Losing the user without pressing "sign out" here means the session expired.
        const expired = !!before?.user && !info.user && !leaving;
        set({ info, expired: expired || (get().expired && !info.user) });
      },
      clearError: () => set({ error: null }),
    };
  });
}
export type SessionStore = ReturnType<typeof createSessionStore>;
