import { lazy, type ComponentType } from 'react';

// A view whose code is split off, that can be loaded ahead of its first use. Once loaded it
// renders directly: through React.lazy even a module already in memory suspends on its first
// render, and React then holds the fallback at least 300 ms before showing the content, which
// made the first opening of Supervision in a fresh page miss its 300 ms target.
export function preloadable<P extends object>(load: () => Promise<ComponentType<P>>): { View: ComponentType<P>; preload: () => Promise<ComponentType<P>> } {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const preload = () =>
    (pending ??= load().then(
      (c) => (loaded = c),
      (e: unknown) => {
        pending = null; // a failed load (connection lost) is tried again next time
        throw e;
      },
    ));
  const Lazy = lazy(() => preload().then((c) => ({ default: c })));
  function View(props: P) {
    const C = loaded;
    return C ? <C {...props} /> : <Lazy {...props} />;
  }
  return { View, preload };
}
