// Events can arrive hundreds per second; the screens only need them a few times per second.
// A batcher collects items and hands them over together, keeping the last item per key.
export interface Batcher<T> {
  push(item: T): void;
  flushNow(): void;
  dispose(): void;
}

export function createBatcher<T>(flush: (items: T[]) => void, ms: number, keyOf?: (item: T) => unknown): Batcher<T> {
  let pending = new Map<unknown, T>();
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flushNow = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!pending.size) return;
    const items = [...pending.values()];
    pending = new Map();
    flush(items);
  };
  return {
    push(item) {
      pending.delete(keyOf ? keyOf(item) : seq);
      pending.set(keyOf ? keyOf(item) : seq++, item);
      if (!timer) timer = setTimeout(flushNow, ms);
    },
    flushNow,
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending.clear();
    },
  };
}

/** Runs `fn` at most once per `ms`, trailing: a call during the quiet time runs once after it. */
export function throttle(fn: () => void, ms: number): { (): void; cancel(): void } {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    last = Date.now();
    fn();
  };
  const wrapped = () => {
    if (timer) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  wrapped.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return wrapped;
}
