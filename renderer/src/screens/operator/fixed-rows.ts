import { useLayoutEffect, useRef, useState, type RefObject } from 'react';

// A virtual list of fixed-height rows: which rows a scroller shows, from its scrollTop and height
// alone (no per-row measuring). It re-renders only when the first or last visible row changes.

export interface RowWindow {
  first: number;
  last: number;
}

/** Rows [first, last] (inclusive) to render for a viewport, with `overscan` rows either side. */
export function rowWindow(scrollTop: number, height: number, rowHeight: number, count: number, overscan: number): RowWindow {
  if (count <= 0) return { first: 0, last: -1 };
  const top = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const bottom = Math.min(count - 1, Math.ceil((scrollTop + height) / rowHeight) + overscan - 1);
  return { first: Math.min(top, count - 1), last: Math.max(bottom, Math.min(top, count - 1)) };
}

/** How many DOM rows are recycled: every window fits, so slot = index % poolSize is unique. */
export function poolSize(height: number, rowHeight: number, overscan: number): number {
  return Math.ceil(height / rowHeight) + 2 * overscan + 2;
}

export function useFixedRows(scroller: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscan: number, initialHeight: number) {
  const [view, setView] = useState({ top: 0, height: initialHeight });
  // The count lives in a ref so a new count does not re-subscribe (and re-measure) the scroller.
  const countRef = useRef(count);
  countRef.current = count;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const read = () => {
      const top = el.scrollTop;
      const height = el.clientHeight || initialHeight;
      const n = countRef.current;
      setView((v) => {
        const a = rowWindow(v.top, v.height, rowHeight, n, overscan);
        const b = rowWindow(top, height, rowHeight, n, overscan);
        return a.first === b.first && a.last === b.last && v.height === height ? v : { top, height };
      });
    };
    // No read here: a new scroller sits at the top, and measuring now would force a layout before
    // the first rows are even painted. The resize observer reports the real height right after
    // the browser's own layout (and the window fits `initialHeight`, the panel's CSS height).
    const onScroll = () => read();
    el.addEventListener('scroll', onScroll, { passive: true });
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(() => read()) : null;
    ro?.observe(el);
    if (!ro) read();
    return () => {
      el.removeEventListener('scroll', onScroll);
      ro?.disconnect();
    };
  }, [scroller, rowHeight, overscan, initialHeight]);
  const w = rowWindow(view.top, view.height, rowHeight, count, overscan);
  return { ...w, pool: poolSize(view.height, rowHeight, overscan), totalHeight: count * rowHeight };
}
