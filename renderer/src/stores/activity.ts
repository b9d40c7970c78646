import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { CardRow } from '../../../shared/contract/dto';

// What the operator watches: the cards in the machine now, and the latest finished ones with
// their result. Fed by card.updated events (batched).

export const RECENT_MAX = 30;

export interface ActivityState {
  batchId: string | null;
  inFlight: CardRow[];
  recent: CardRow[];
  /** The card the preview shows: the newest one in the machine, else the last finished. */
  currentId: number | null;
  load(batchId: string | null): Promise<void>;
  applyUpdates(rows: CardRow[]): void;
}

const FINISHED = new Set(['passed', 'failed', 'rejected', 'reworked']);

export function reduceActivity(
  s: Pick<ActivityState, 'inFlight' | 'recent' | 'currentId' | 'batchId'>,
  rows: CardRow[],
): Pick<ActivityState, 'inFlight' | 'recent' | 'currentId'> {
  const inFlight = new Map(s.inFlight.map((r) => [r.id, r]));
  let recent = s.recent;
  for (const r of rows) {
    if (s.batchId && r.batchId !== s.batchId) continue;
    if (r.state === 'in_progress') inFlight.set(r.id, r);
    else {
      inFlight.delete(r.id);
      if (FINISHED.has(r.state)) recent = [r, ...recent.filter((x) => x.id !== r.id)].slice(0, RECENT_MAX);
    }
  }
  const list = [...inFlight.values()].sort((a, b) => a.recordIndex - b.recordIndex);
  // The card fed last is the one the operator is looking at.
  const currentId = list.length ? list.reduce((a, b) => (b.id > a.id ? b : a)).id : recent[0]?.id ?? s.currentId;
  return { inFlight: list, recent, currentId };
}

export function createActivityStore(api: StationApi) {
  return createStore<ActivityState>()((set, get) => ({
    batchId: null,
    inFlight: [],
    recent: [],
    currentId: null,
    load: async (batchId) => {
      set({ batchId, inFlight: [], recent: [], currentId: null });
      if (!batchId) return;
      try {
        const [inProg, done] = await Promise.all([
          api.call('queue.page', { batchId, states: ['in_progress'], offset: 0, limit: 50 }),
          api.call('queue.page', { batchId, states: ['failed'], offset: 0, limit: RECENT_MAX }),
        ]);
        if (get().batchId !== batchId) return;
        set(reduceActivity(get(), [...done.rows.sort((a, b) => a.updatedAt - b.updatedAt), ...inProg.rows]));
      } catch {
        // The queue panel shows load errors; this panel simply starts empty.
      }
    },
    applyUpdates: (rows) => set(reduceActivity(get(), rows)),
  }));
}
export type ActivityStore = ReturnType<typeof createActivityStore>;
