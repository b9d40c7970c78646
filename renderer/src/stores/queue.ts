import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { CardRow } from '../../../shared/contract/dto';
import type { CardState } from '../../../shared/domain/card-state';
import { describeError, type ShownError } from '../station/errors';
import { t } from '../i18n/t';
import { PAGE_SIZE } from './queue-page';

// The queue of a batch can hold 100,000 cards: the list is virtualized and rows come from the
// station a page at a time, on demand, into a page cache. Live card updates patch cached rows.

export { PAGE_SIZE };
/** Rows beyond the window, in the direction of scrolling, whose page is fetched before it shows. */
export const FETCH_AHEAD = PAGE_SIZE / 2;

export interface QueueScope {
  batchId: string | null;
  states: CardState[] | null;
}

export interface QueueState extends QueueScope {
  total: number | null;
  pages: Map<number, CardRow[]>;
  /** Bumped whenever cached rows change, so the list re-renders without copying the cache. */
  version: number;
  error: ShownError | null;
  setScope(scope: QueueScope): void;
  /** At boot, before anyone is known to be signed in: fetch the first page of the batch shown
   * last, in parallel with the session check. A refusal is not shown (the screen asks again). */
  prefetch(batchId: string): void;
  /** Make sure rows [from, to] are cached or being fetched. */
  ensureRange(from: number, to: number): void;
  rowAt(index: number): CardRow | undefined;
  /** card.updated events, batched. */
  applyUpdates(rows: CardRow[]): void;
  /** Drop the cache and fetch what is on screen again (membership of the filter changed). */
  refresh(): void;
}

export function pagesFor(from: number, to: number, pageSize = PAGE_SIZE): number[] {
  if (to < from) return [];
  const out: number[] = [];
  for (let p = Math.floor(Math.max(0, from) / pageSize); p <= Math.floor(to / pageSize); p++) out.push(p);
  return out;
}

export function createQueueStore(api: StationApi) {
  let generation = 0;
  const inflight = new Set<number>();
  let lastRange: [number, number] = [0, PAGE_SIZE - 1];

  return createStore<QueueState>()((set, get) => {
    const fetchPage = async (page: number, quiet = false) => {
      const { batchId, states } = get();
      if (!batchId || inflight.has(page)) return;
      const gen = generation;
      inflight.add(page);
      try {
        const res = await api.call('queue.page', {
          batchId,
          ...(states && states.length ? { states } : {}),
          offset: page * PAGE_SIZE,
          limit: PAGE_SIZE,
        });
        if (gen !== generation) return; // the scope changed meanwhile
        const pages = get().pages;
        pages.set(page, res.rows);
        set({ total: res.total, version: get().version + 1, error: null });
      } catch (e) {
        if (gen === generation && !quiet) set({ error: describeError(t('queue.loadFailed'), e) });
      } finally {
        if (gen === generation) inflight.delete(page);
      }
    };

    const reset = (patch: Partial<QueueState>) => {
      generation++;
      inflight.clear();
      set({ ...patch, pages: new Map(), version: get().version + 1 });
    };

    return {
      batchId: null,
      states: null,
      total: null,
      pages: new Map(),
      version: 0,
      error: null,
      setScope: ({ batchId, states }) => {
        const cur = get();
        if (cur.batchId === batchId && JSON.stringify(cur.states) === JSON.stringify(states)) {
          // Same scope (e.g. prefetched at boot): fetch only what a quiet refusal left missing.
          if (batchId && !cur.pages.has(0) && !inflight.has(0)) void fetchPage(0);
          return;
        }
        reset({ batchId, states, total: null, error: null });
        lastRange = [0, PAGE_SIZE - 1];
        if (batchId) void fetchPage(0);
      },
      prefetch: (batchId) => {
        if (get().batchId) return;
        reset({ batchId, states: null, total: null, error: null });
        lastRange = [0, PAGE_SIZE - 1];
        void fetchPage(0, true);
      },
      ensureRange: (from, to) => {
        // Fetch ahead in the direction of scrolling: the next page is asked for while half a page
        // of rows is still to go, so rows never show "Loading…" at a human scrolling pace.
        const down = from > lastRange[0];
        const up = from < lastRange[0];
        lastRange = [from, to];
        const { pages, total } = get();
        const end = total == null ? to : total - 1;
        const first = up ? Math.max(0, from - FETCH_AHEAD) : from;
        const last = Math.min(down ? to + FETCH_AHEAD : to, end);
        for (const p of pagesFor(first, last)) if (!pages.has(p)) void fetchPage(p);
      },
      rowAt: (i) => get().pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE],
      applyUpdates: (rows) => {
        const { pages, batchId, states } = get();
        let changed = false;
        let membership = false;
        const byId = new Map(rows.filter((r) => r.batchId === batchId).map((r) => [r.id, r]));
        if (!byId.size) return;
        for (const page of pages.values()) {
          for (let i = 0; i < page.length; i++) {
            const upd = byId.get(page[i].id);
            if (!upd) continue;
            if (states && states.length && !states.includes(upd.state)) membership = true;
            page[i] = upd;
            byId.delete(upd.id);
            changed = true;
          }
        }
        // A card we have not cached that now belongs to the filtered view (e.g. newly failed),
        // or a new attempt row: the list's membership changed.
        for (const r of byId.values()) if (!states || !states.length || states.includes(r.state)) membership = true;
        if (membership) get().refresh();
        else if (changed) set({ version: get().version + 1 });
      },
      refresh: () => {
        const { batchId, pages } = get();
        if (!batchId) return;
        const keep = pages; // keep showing the old rows until the new ones arrive
        generation++;
        inflight.clear();
        const gen = generation;
        const wanted = pagesFor(lastRange[0], lastRange[1]);
        void Promise.all(
          wanted.map(async (p) => {
            await fetchPage(p);
          }),
        ).then(() => {
          if (gen !== generation) return;
          // Pages outside the visible range are stale now: drop them.
          for (const p of [...keep.keys()]) if (!wanted.includes(p)) keep.delete(p);
          set({ version: get().version + 1 });
        });
      },
    };
  });
}
export type QueueStore = ReturnType<typeof createQueueStore>;
