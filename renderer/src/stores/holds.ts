import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { CardRow } from '../../../shared/contract/dto';
import { describeError, type ShownError } from '../station/errors';
import { t } from '../i18n/t';

// Cards on hold, for Supervision: the list (kept live from card.updated), a card looked up by its
// record ID to hold it, and hold/release with a reason. The station decides who may do either
// and which card can be held (only a queued one); a refusal is shown as it came.
export interface HoldsState {
  rows: CardRow[];
  total: number;
  loaded: boolean;
  error: ShownError | null;
  done: string | null;
  /** The last lookup: the record asked for and its newest card (null: the batch has no such record). */
  found: { batchId: string; recordId: string; card: CardRow | null } | null;
  load(): Promise<void>;
  find(batchId: string, recordId: string): Promise<void>;
  setHold(card: CardRow, hold: boolean, reason: string): Promise<boolean>;
  applyUpdates(rows: CardRow[]): void;
  clear(): void;
}

export const HOLDS_LIMIT = 200;

export function createHoldsStore(api: StationApi) {
  return createStore<HoldsState>()((set, get) => ({
    rows: [],
    total: 0,
    loaded: false,
    error: null,
    done: null,
    found: null,
    load: async () => {
      try {
        const res = await api.call('queue.page', { states: ['held'], offset: 0, limit: HOLDS_LIMIT });
        set({ rows: res.rows, total: res.total, loaded: true });
      } catch (e) {
        set({ loaded: true, error: describeError(t('holds.loadFailed'), e) });
      }
    },
    find: async (batchId, recordId) => {
      const id = recordId.trim();
      set({ error: null, done: null, found: null });
      if (!id) return;
      try {
        const res = await api.call('queue.page', { batchId, recordId: id, offset: 0, limit: 50 });
        // A reworked record has several cards; the newest is the one that can still be held.
        set({ found: { batchId, recordId: id, card: res.rows.at(-1) ?? null } });
      } catch (e) {
        set({ error: describeError(t('holds.failed.find', { record: id }), e) });
      }
    },
    setHold: async (card, hold, reason) => {
      set({ error: null, done: null });
      try {
        const row = await api.call('cards.hold', { cardId: card.id, hold, reason: reason.trim() });
        const found = get().found;
        set({ done: t(hold ? 'holds.done.hold' : 'holds.done.release', { record: card.recordId }), found: found?.card?.id === row.id ? { ...found, card: row } : found });
        get().applyUpdates([row]);
        return true;
      } catch (e) {
        set({ error: describeError(t(hold ? 'holds.failed.hold' : 'holds.failed.release', { record: card.recordId }), e) });
        return false;
      }
    },
    applyUpdates: (updates) => {
      let { rows, total } = get();
      for (const u of updates) {
        const had = rows.some((r) => r.id === u.id);
        if (u.state === 'held' && !had) {
          rows = [...rows, u].sort((a, b) => a.id - b.id);
          total++;
        } else if (u.state !== 'held' && had) {
          rows = rows.filter((r) => r.id !== u.id);
          total = Math.max(0, total - 1);
        }
      }
      const found = get().found;
      const fresh = found?.card ? updates.find((u) => u.id === found.card!.id) : undefined;
      if (rows !== get().rows || fresh) set({ rows, total, found: fresh && found ? { ...found, card: fresh } : found });
    },
    clear: () => set({ error: null, done: null }),
  }));
}
export type HoldsStore = ReturnType<typeof createHoldsStore>;
