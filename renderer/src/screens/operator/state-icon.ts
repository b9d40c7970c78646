import type { EngineStatus } from '../../../../shared/contract/dto';
import type { IconName } from '../../components/Icon';
import { t } from '../../i18n/t';

/** The icon beside each engine state, the same wherever the state shows. */
export const STATE_ICON: Record<string, IconName> = {
  idle: 'dot',
  running: 'play',
  pausing: 'pause',
  paused: 'pause',
  stopping: 'stop',
  stopped: 'stop',
  estopped: 'estop',
  finished: 'check',
};

/**
 * How the engine state reads on screen. A finished batch with failed cards still waiting is not
 * done for anyone: it says so, and who to call, instead of a reassuring tick.
 */
export function engineStateView(status: EngineStatus | null): { className: string; icon: IconName; label: string } {
  const state = status?.state ?? 'idle';
  const waiting = status?.counts?.failed ?? 0;
  // Cards left in the machine (emergency stop, crash): nothing is "Ready" until the path is clear.
  if (status?.pathCards && !['running', 'pausing', 'paused', 'stopping'].includes(state)) return { className: 'engine-attention', icon: 'estop', label: t('engine.state.pathBlocked') };
  if (state === 'finished' && waiting > 0) return { className: 'engine-attention', icon: 'warn', label: t('engine.state.finishedWaiting', { count: waiting }) };
  return { className: `engine-${state}`, icon: STATE_ICON[state] ?? 'dot', label: t(`engine.state.${state}` as 'engine.state.idle') };
}

/** Rate and time to finish mean something only while the line moves (not stopped, not estopped). */
export function showsRate(status: EngineStatus | null): boolean {
  const s = status?.state;
  return s === 'running' || s === 'pausing' || s === 'paused';
}
