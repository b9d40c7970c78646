import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import { isNewerStatus, type EngineStatus } from '../../../shared/contract/dto';
import { describeError, type ShownError } from '../station/errors';
import { t } from '../i18n/t';

export type EngineAction = 'start' | 'pause' | 'resume' | 'stop' | 'estop';

export interface EngineState {
  status: EngineStatus | null;
  /** The action last sent and not yet answered, so its button shows it is working and cannot be pressed twice. */
  pending: EngineAction | null;
  error: ShownError | null;
  load(): Promise<void>;
  act(action: EngineAction, batchId?: string): Promise<void>;
  changed(s: EngineStatus): void;
  clearError(): void;
}

/** Which controls make sense in a given engine state. */
export function allowedActions(s: EngineStatus | null, hasBatch: boolean): Record<EngineAction, boolean> {
  const st = s?.state ?? 'idle';
  const running = st === 'running';
  const paused = st === 'paused';
  const idleLike = st === 'idle' || st === 'stopped' || st === 'finished' || st === 'estopped';
  // Cards left in the machine (emergency stop, crash) must be cleared before anything is fed.
  const pathClear = !s?.pathCards;
  return {
    start: idleLike && hasBatch && pathClear,
    pause: running,
    resume: paused,
    stop: running || paused || st === 'pausing',
    // Never greyed out: pressing it when nothing moves is harmless, hesitating is not.
    estop: true,
  };
}

export function createEngineStore(api: StationApi) {
  return createStore<EngineState>()((set, get) => {
    // Answers and events race (a resume that finishes a drained run sends "finished" before its
    // own answer "running"): the newest status wins, whichever way it came.
    const keep = (s: EngineStatus) => (isNewerStatus(get().status, s) ? s : get().status);
    return {
      status: null,
      pending: null,
      error: null,
      load: async () => {
        try {
          const status = await api.call('engine.status', {});
          set({ status: keep(status) });
        } catch (e) {
          set({ error: describeError(t('engine.title'), e) });
        }
      },
      act: async (action, batchId) => {
        // A second press of the action being sent is dropped. Another action is not: the engine's
        // event ("paused") can arrive before the answer to the pause, and the Resume pressed on
        // seeing it must not vanish; the screen only offers what the newest status allows, and the
        // emergency stop never waits.
        if (get().pending === action && action !== 'estop') return;
        set({ pending: action, error: null });
        // An older call settling must not clear the pending mark of a newer one.
        const settled = () => (get().pending === action ? null : get().pending);
        try {
          const status =
            action === 'start'
              ? await api.call('engine.start', { batchId: batchId ?? '' })
              : await api.call(`engine.${action}`, {});
          set({ status: keep(status), pending: settled() });
        } catch (e) {
          set({ pending: settled(), error: describeError(t(`engine.${action}`), e) });
        }
      },
      changed: (status) => set({ status: keep(status) }),
      clearError: () => set({ error: null }),
    };
  });
}
export type EngineStore = ReturnType<typeof createEngineStore>;
