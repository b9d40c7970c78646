import { useEffect } from 'react';
import type { EngineStore } from '../stores/engine';
import { SHORTCUTS } from '../screens/operator/shortcuts';

// The emergency stop must work from every view of anyone who runs the line, whatever has the
// focus and whatever dialog is open: a confirmation standing in front of the machine is the
// last thing wanted when it has to stop. So the key lives here, not in the production view.

/** Sent on window when the emergency stop is pressed: every open dialog cancels itself. */
export const CLOSE_DIALOGS = 'station:close-dialogs';

export function pressEmergencyStop(engine: EngineStore): void {
  window.dispatchEvent(new Event(CLOSE_DIALOGS));
  // A <dialog> not built on ConfirmDialog still must not stay in front.
  for (const d of Array.from(document.querySelectorAll('dialog[open]'))) (d as HTMLDialogElement).close();
  void engine.getState().act('estop');
}

/** F9 anywhere while `enabled` (a signed-in user who may run the line). */
export function useEmergencyKey(engine: EngineStore, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== SHORTCUTS.estop) return;
      e.preventDefault();
      pressEmergencyStop(engine);
    };
    // Capture phase: a field or dialog that stops the key's propagation cannot swallow it.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [engine, enabled]);
}
