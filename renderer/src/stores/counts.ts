import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { Counts, EngineStatus } from '../../../shared/contract/dto';

// Counters of the selected batch: from engine.status while the engine works on it, otherwise
// (and as a correction after card updates) from queue.counts.
export interface CountsState {
  batchId: string | null;
  counts: Counts | null;
  load(batchId: string | null): Promise<void>;
  fromEngine(s: EngineStatus): void;
}

export function createCountsStore(api: StationApi) {
  return createStore<CountsState>()((set, get) => ({
    batchId: null,
    counts: null,
    load: async (batchId) => {
      if (batchId !== get().batchId) set({ batchId, counts: null });
      if (!batchId) return;
      try {
        const counts = await api.call('queue.counts', { batchId });
        if (get().batchId === batchId) set({ counts });
      } catch {
        // keep the last known counts; the queue panel reports connection errors
      }
    },
    fromEngine: (s) => {
      if (s.batchId && s.batchId === get().batchId && s.counts) set({ counts: s.counts });
    },
  }));
}
export type CountsStore = ReturnType<typeof createCountsStore>;
