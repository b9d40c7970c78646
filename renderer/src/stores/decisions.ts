import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { CardRow } from '../../../shared/contract/dto';
import { describeError, type ShownError } from '../station/errors';
import { t } from '../i18n/t';

export type Decision = 'reject' | 'rework' | 'good';

export interface DecisionsState {
  rows: CardRow[];
  total: number;
  loading: boolean;
  loaded: boolean;
  error: ShownError | null;
  done: string | null;
  load(): Promise<void>;
  decide(card: CardRow, decision: Decision, reason: string): Promise<boolean>;
  /** The same decision for several cards, one after another; stops at the first refusal (named). */
  decideMany(cards: CardRow[], decision: Decision, reason: string): Promise<boolean>;
  /** card.updated: a card that failed joins the list, a decided one leaves it. */
  applyUpdates(rows: CardRow[]): void;
}

export const DECISIONS_LIMIT = 200;

export function validReason(reason: string): boolean {
  return reason.trim().length >= 3;
}

export function createDecisionsStore(api: StationApi) {
  return createStore<DecisionsState>()((set, get) => ({
    rows: [],
    total: 0,
    loading: false,
    loaded: false,
    error: null,
    done: null,
    load: async () => {
      set({ loading: true });
      try {
        const res = await api.call('queue.page', { states: ['failed'], offset: 0, limit: DECISIONS_LIMIT });
        set({ rows: res.rows, total: res.total, loading: false, loaded: true, error: null });
      } catch (e) {
        set({ loading: false, loaded: true, error: describeError(t('decide.loadFailed'), e) });
      }
    },
    decide: (card, decision, reason) => get().decideMany([card], decision, reason),
    decideMany: async (cards, decision, reason) => {
      set({ error: null, done: null });
      let decided = 0;
      for (const card of cards) {
        try {
          await api.call('cards.decide', { cardId: card.id, decision, reason: reason.trim() });
          decided++;
          set({ rows: get().rows.filter((r) => r.id !== card.id), total: Math.max(0, get().total - 1) });
        } catch (e) {
          set({ error: describeError(t('decide.failedCard', { record: card.recordId, done: decided, count: cards.length }), e) });
          return false;
        }
      }
      set({ done: cards.length === 1 ? t(`decide.done.${decision}`, { record: cards[0].recordId }) : t(`decide.doneMany.${decision}`, { count: cards.length }) });
      return true;
    },
    applyUpdates: (updates) => {
      let rows = get().rows;
      let total = get().total;
      for (const u of updates) {
        const had = rows.some((r) => r.id === u.id);
        if (u.state === 'failed' && !had) {
          rows = [...rows, u];
          total++;
        } else if (u.state !== 'failed' && had) {
          rows = rows.filter((r) => r.id !== u.id);
          total = Math.max(0, total - 1);
        } else if (had) rows = rows.map((r) => (r.id === u.id ? u : r));
      }
      if (rows !== get().rows) set({ rows, total });
    },
  }));
}
export type DecisionsStore = ReturnType<typeof createDecisionsStore>;
