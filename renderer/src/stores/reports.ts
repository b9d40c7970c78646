import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { BatchReport, Charts, DeviceHistory, ExportFile, ShiftReport, SignoffRole } from '../../../shared/contract/areas/reports';
import { describeError, type ShownError } from '../station/errors';
import { t } from '../i18n/t';

// The reports view: one batch report (reconciliation, vault figures, sign-offs), a shift report
// for a time range, and chart data. Created by the view itself (it is lazy-loaded, so none of
// this is in the operator screen's bundle).

export interface VaultInput {
  issuedFromVault?: number;
  samples?: number;
  returnedToVault?: number;
  reason: string;
}

export interface Range {
  from: number;
  to: number;
}

export interface ReportsState {
  batchId: string | null;
  report: BatchReport | null;
  loading: boolean;
  error: ShownError | null;
  /** Last success message of an action on the batch (vault saved, signed, exported). */
  notice: string | null;
  shift: ShiftReport | null;
  shiftError: ShownError | null;
  charts: Charts | null;
  devices: DeviceHistory | null;
  chartsError: ShownError | null;
  selectBatch(batchId: string | null): Promise<void>;
  reload(): Promise<void>;
  /** Resolves to true when recorded; the error is in `error` otherwise. */
  recordVault(v: VaultInput): Promise<boolean>;
  signoff(role: SignoffRole, password: string): Promise<boolean>;
  /** The file, or null on failure (then `error` says why). */
  exportBatch(format: 'pdf' | 'csv'): Promise<ExportFile | null>;
  exportShift(range: Range, format: 'pdf' | 'csv'): Promise<ExportFile | null>;
  loadShift(range: Range): Promise<void>;
  loadCharts(range: Range, bucketMinutes: number): Promise<void>;
  /** reports.changed: reload when it is the batch shown. */
  changed(batchId: string): void;
}

export function createReportsStore(api: StationApi) {
  let seq = 0;
  // The range the shift table shows: a sign-off or vault entry changes a batch in it, so the
  // table is loaded again at once rather than showing the batch as it was.
  let shiftRange: Range | null = null;
  return createStore<ReportsState>()((set, get) => {
    const reloadShift = async () => {
      if (shiftRange) await get().loadShift(shiftRange);
    };
    const load = async (batchId: string) => {
      const mine = ++seq;
      set({ loading: true });
      try {
        const report = await api.call('reports.batch', { batchId });
        if (mine === seq && get().batchId === batchId) set({ report, loading: false, error: null });
      } catch (e) {
        if (mine === seq && get().batchId === batchId) set({ loading: false, error: describeError(t('reports.loadFailed'), e) });
      }
    };
    const act = async <T>(what: string, fn: () => Promise<T>): Promise<T | null> => {
      try {
        return await fn();
      } catch (e) {
        set({ error: describeError(what, e), notice: null });
        return null;
      }
    };
    return {
      batchId: null,
      report: null,
      loading: false,
      error: null,
      notice: null,
      shift: null,
      shiftError: null,
      charts: null,
      devices: null,
      chartsError: null,
      selectBatch: async (batchId) => {
        if (batchId === get().batchId && get().report) return;
        set({ batchId, report: null, error: null, notice: null });
        if (batchId) await load(batchId);
      },
      reload: async () => {
        const id = get().batchId;
        if (id) await load(id);
      },
      recordVault: async (v) => {
        const batchId = get().batchId;
        if (!batchId) return false;
        const r = await act(t('vault.failed'), () => api.call('reports.vault', { batchId, ...v }));
        if (!r) return false;
        seq++; // a reload in flight would bring older figures
        set({ report: r, error: null, notice: t('vault.saved') });
        await reloadShift();
        return true;
      },
      signoff: async (role, password) => {
        const batchId = get().batchId;
        if (!batchId) return false;
        const r = await act(t('signoff.failed'), () => api.call('reports.signoff', { batchId, role, password }));
        if (!r) return false;
        seq++;
        set({ report: r, error: null, notice: r.state === 'closed' ? t('signoff.closed', { id: batchId }) : t('signoff.done', { role: t(`signoff.role.${role}`) }) });
        await reloadShift();
        return true;
      },
      exportBatch: async (format) => {
        const batchId = get().batchId;
        if (!batchId) return null;
        const f = await act(t('export.failed'), () => api.call('reports.export', { batchId, format }));
        if (f) set({ notice: t('export.done', { file: f.fileName }), error: null });
        return f;
      },
      exportShift: async (range, format) => {
        try {
          return await api.call('reports.export', { shift: range, format });
        } catch (e) {
          set({ shiftError: describeError(t('export.failed'), e) });
          return null;
        }
      },
      loadShift: async (range) => {
        shiftRange = range;
        try {
          set({ shift: await api.call('reports.shift', range), shiftError: null });
        } catch (e) {
          set({ shiftError: describeError(t('shift.failed'), e) });
        }
      },
      loadCharts: async (range, bucketMinutes) => {
        try {
          const [charts, devices] = await Promise.all([api.call('reports.charts', { ...range, bucketMinutes }), api.call('reports.deviceHistory', range)]);
          set({ charts, devices, chartsError: null });
        } catch (e) {
          set({ chartsError: describeError(t('charts.failed'), e) });
        }
      },
      changed: (batchId) => {
        if (batchId === get().batchId) void load(batchId);
        if (get().shift) void reloadShift();
      },
    };
  });
}
export type ReportsStore = ReturnType<typeof createReportsStore>;
