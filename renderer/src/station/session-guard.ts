import { StationCallError, type StationApi } from '../../../shared/contract/api';

// An AUTH refusal of a call means this page may have lost its session without hearing of it (an
// event missed while the window slept, an expiry between two calls). The guard then asks the
// station for the session (`recheck`, once however many calls were refused together); if it is
// gone the session store returns the page to the lock screen. A refusal that is only a wrong
// password (a sign-off) leaves a live session as it is.
export function guardSession(api: StationApi, recheck: () => Promise<void>): StationApi {
  let checking: Promise<void> | null = null;
  return {
    async call(name, input) {
      try {
        return await api.call(name, input);
      } catch (e) {
        if (e instanceof StationCallError && e.error.code === 'AUTH' && !String(name).startsWith('session.') && !checking) {
          checking = recheck().finally(() => (checking = null));
        }
        throw e;
      }
    },
    on: (event, listener) => api.on(event, listener),
  };
}
