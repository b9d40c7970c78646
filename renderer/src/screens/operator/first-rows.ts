// The operator screen paints the shell and the first queue rows first; everything else
// (activity, counts, devices, the side panels) waits until those rows are on screen, so their
// round trips and rendering do not delay the one thing the line waits for. A fallback timer
// covers a screen that never gets rows (no batch, an empty batch, a refused call).

type Listener = () => void;
let painted = false;
const listeners = new Set<Listener>();

/** Called by the queue list once rows are in the DOM: fires after the next frame is painted. */
export function rowsPainted(): void {
  if (painted) return;
  painted = true;
  requestAnimationFrame(() =>
    setTimeout(() => {
      for (const l of [...listeners]) l();
      listeners.clear();
    }, 0),
  );
}

export function isAfterFirstRows(): boolean {
  return painted && listeners.size === 0;
}

/** Runs `fn` once the first rows are painted, or after `fallbackMs`; returns a cancel. */
export function afterFirstRows(fn: Listener, fallbackMs = 800): () => void {
  if (isAfterFirstRows()) {
    fn();
    return () => {};
  }
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    listeners.delete(once);
    fn();
  };
  listeners.add(once);
  const timer = setTimeout(once, fallbackMs);
  return () => {
    done = true;
    clearTimeout(timer);
    listeners.delete(once);
  };
}
