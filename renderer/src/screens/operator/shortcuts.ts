import type { EngineAction } from '../../stores/engine';

// Function keys work with the focus anywhere (even in the scan field) and cannot be typed by a
// barcode scanner by accident.
export const SHORTCUTS: Record<Exclude<EngineAction, 'resume'> | 'toggle', string> = {
  start: 'F2',
  toggle: 'F3',
  stop: 'F4',
  pause: 'F3',
  estop: 'F9',
};

export function actionForKey(key: string, paused: boolean): EngineAction | null {
  switch (key) {
    case SHORTCUTS.start:
      return 'start';
    case SHORTCUTS.toggle:
      return paused ? 'resume' : 'pause';
    case SHORTCUTS.stop:
      return 'stop';
    case SHORTCUTS.estop:
      return 'estop';
    default:
      return null;
  }
}
