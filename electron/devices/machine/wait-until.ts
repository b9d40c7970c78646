// A command of the engine waiting for the machine (its port to come back, a stop by a cover or
// a jam to end) without holding the command queue. The driver calls every waiter in `waiters`
// when its state changes; the wait ends when `ready`, or fails when the driver closed or the
// signal (a stop) aborted.
export interface WaitUntil {
  waiters: Set<() => void>;
  ready(): boolean;
  closed(): boolean;
  signal: AbortSignal;
  /** The error when the driver closed meanwhile. */
  onClosed(): Error;
  /** The error when the signal aborted the wait. */
  onAbort(): Error;
}

export function waitUntil(w: WaitUntil): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const end = () => {
      w.waiters.delete(check);
      w.signal.removeEventListener('abort', onAbort);
    };
    const check = () => {
      if (w.closed()) {
        end();
        reject(w.onClosed());
      } else if (w.ready()) {
        end();
        resolve();
      }
    };
    const onAbort = () => {
      end();
      reject(w.onAbort());
    };
    if (w.signal.aborted) return onAbort();
    w.waiters.add(check);
    w.signal.addEventListener('abort', onAbort, { once: true });
    check();
  });
}
