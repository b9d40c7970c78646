import type { IconName } from '../../components/Icon';

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
