import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { LogEntry, LogFilter } from '../../../shared/contract/dto';
import { describeError, type ShownError } from '../station/errors';
import { parseLocalDateTime } from '../format/format';
import { t } from '../i18n/t';

export const LOG_PAGE = 100;

/** The filter form as typed (strings), before it becomes a LogFilter. */
export interface LogForm {
  batchId: string;
  recordId: string;
  cardId: string;
  maskedPan: string;
  user: string;
  types: string;
  severity: ('info' | 'warn' | 'error')[];
  from: string;
  to: string;
  text: string;
}

export const EMPTY_FORM: LogForm = { batchId: '', recordId: '', cardId: '', maskedPan: '', user: '', types: '', severity: [], from: '', to: '', text: '' };

export function toLogFilter(f: LogForm): LogFilter {
  const out: LogFilter = {};
  const s = (v: string) => v.trim();
  if (s(f.batchId)) out.batchId = s(f.batchId);
  if (s(f.recordId)) out.recordId = s(f.recordId);
  if (/^\d+$/.test(s(f.cardId))) out.cardId = Number(s(f.cardId));
  if (s(f.maskedPan)) out.maskedPan = s(f.maskedPan);
  if (s(f.user)) out.user = s(f.user);
  const types = f.types.split(',').map((x) => x.trim()).filter(Boolean);
  if (types.length) out.type = types;
  if (f.severity.length) out.severity = [...f.severity];
  const from = parseLocalDateTime(f.from);
  const to = parseLocalDateTime(f.to);
  if (from != null) out.from = from;
  if (to != null) out.to = to;
  if (s(f.text)) out.text = s(f.text);
  return out;
}

/** Whether a live entry belongs on screen under this filter. Full-text search is the station's
 * job, so with a text filter new entries are only counted, never guessed. */
export function matchesFilter(e: LogEntry, f: LogFilter): boolean | 'unknown' {
  if (f.text) return 'unknown';
  if (f.batchId && e.batchId !== f.batchId) return false;
  if (f.recordId && e.recordId !== f.recordId) return false;
  if (f.cardId != null && e.cardId !== f.cardId) return false;
  if (f.maskedPan && !(e.maskedPan ?? '').includes(f.maskedPan)) return false;
  if (f.user && e.user !== f.user) return false;
  if (f.type?.length && !f.type.includes(e.type)) return false;
  if (f.severity?.length && !f.severity.includes(e.severity)) return false;
  if (f.from != null && e.ts < f.from) return false;
  if (f.to != null && e.ts > f.to) return false;
  return true;
}

export interface LogState {
  filter: LogFilter;
  rows: LogEntry[];
  nextBeforeSeq: number | null;
  loading: boolean;
  loaded: boolean;
  newCount: number;
  error: ShownError | null;
  exporting: boolean;
  exported: { fileName: string; rows: number } | null;
  query(filter: LogFilter): Promise<void>;
  more(): Promise<void>;
  appended(e: LogEntry): void;
  /** Returns the CSV for the caller to hand to the browser as a download. */
  exportCsv(): Promise<{ fileName: string; csv: string } | null>;
}

export function createLogStore(api: StationApi) {
  let generation = 0;
  return createStore<LogState>()((set, get) => ({
    filter: {},
    rows: [],
    nextBeforeSeq: null,
    loading: false,
    loaded: false,
    newCount: 0,
    error: null,
    exporting: false,
    exported: null,
    query: async (filter) => {
      const gen = ++generation;
      set({ filter, loading: true, error: null, newCount: 0 });
      try {
        const res = await api.call('log.query', { filter, limit: LOG_PAGE });
        if (gen !== generation) return;
        set({ rows: res.rows, nextBeforeSeq: res.nextBeforeSeq, loading: false, loaded: true });
      } catch (e) {
        if (gen === generation) set({ loading: false, loaded: true, rows: [], nextBeforeSeq: null, error: describeError(t('log.failed'), e) });
      }
    },
    more: async () => {
      const { nextBeforeSeq, filter, loading } = get();
      if (nextBeforeSeq == null || loading) return;
      const gen = generation;
      set({ loading: true, error: null });
      try {
        const res = await api.call('log.query', { filter, beforeSeq: nextBeforeSeq, limit: LOG_PAGE });
        if (gen !== generation) return;
        const seen = new Set(get().rows.map((r) => r.seq));
        set({ rows: [...get().rows, ...res.rows.filter((r) => !seen.has(r.seq))], nextBeforeSeq: res.nextBeforeSeq, loading: false });
      } catch (e) {
        if (gen === generation) set({ loading: false, error: describeError(t('log.failed'), e) });
      }
    },
    appended: (e) => {
      const s = get();
      if (!s.loaded) return;
      const m = matchesFilter(e, s.filter);
      if (m === true) {
        if (!s.rows.some((r) => r.seq === e.seq)) set({ rows: [e, ...s.rows] });
      } else if (m === 'unknown') set({ newCount: s.newCount + 1 });
    },
    exportCsv: async () => {
      set({ exporting: true, error: null, exported: null });
      try {
        const res = await api.call('log.export', { filter: get().filter });
        set({ exporting: false, exported: { fileName: res.fileName, rows: res.rows } });
        return { fileName: res.fileName, csv: res.csv };
      } catch (e) {
        set({ exporting: false, error: describeError(t('log.exportFailed'), e) });
        return null;
      }
    },
  }));
}
export type LogStore = ReturnType<typeof createLogStore>;
