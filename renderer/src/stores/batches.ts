import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { BatchSummary } from '../../../shared/contract/dto';
import { describeError, type ShownError } from '../station/errors';
import { t } from '../i18n/t';

export interface ImportState {
  fileName: string;
  running: boolean;
  result: { batchId: string; records: number } | null;
  error: ShownError | null;
}

export interface BatchesState {
  list: BatchSummary[];
  loaded: boolean;
  selectedId: string | null;
  error: ShownError | null;
  scanMessage: { ok: boolean; text: string } | null;
  importing: ImportState | null;
  load(): Promise<void>;
  select(id: string | null): void;
  /** A scanned or typed batch ticket: selects the batch if the station has it. */
  scan(text: string): Promise<boolean>;
  importFile(fileName: string, content: string): Promise<boolean>;
  clearImport(): void;
}

/** Scanners add spaces, prefixes in lower case, CR/LF: compare the ids loosely but exactly in content. */
export function findBatch(list: BatchSummary[], scanned: string): BatchSummary | undefined {
  const want = scanned.trim().toUpperCase();
  if (!want) return undefined;
  return list.find((b) => b.batchId.toUpperCase() === want);
}

export function createBatchesStore(api: StationApi) {
  return createStore<BatchesState>()((set, get) => ({
    list: [],
    loaded: false,
    selectedId: null,
    error: null,
    scanMessage: null,
    importing: null,
    load: async () => {
      try {
        const list = await api.call('batches.list', {});
        list.sort((a, b) => b.importedAt - a.importedAt);
        const sel = get().selectedId;
        set({ list, loaded: true, error: null, selectedId: sel ?? list.find((b) => b.state === 'open')?.batchId ?? null });
      } catch (e) {
        set({ loaded: true, error: describeError(t('batch.loadFailed'), e) });
      }
    },
    select: (id) => set({ selectedId: id, scanMessage: null }),
    scan: async (text) => {
      const id = text.trim();
      if (!id) return false;
      let found = findBatch(get().list, id);
      if (!found) {
        // It may have been imported elsewhere since we last looked.
        await get().load();
        found = findBatch(get().list, id);
      }
      if (!found) {
        set({ scanMessage: { ok: false, text: t('batch.scanNotFound', { id }) } });
        return false;
      }
      set({ selectedId: found.batchId, scanMessage: { ok: true, text: t('batch.scanned', { id: found.batchId }) } });
      return true;
    },
    importFile: async (fileName, content) => {
      set({ importing: { fileName, running: true, result: null, error: null } });
      try {
        const result = await api.call('batches.import', { fileName, content });
        set({ importing: { fileName, running: false, result, error: null }, selectedId: result.batchId });
        await get().load();
        return true;
      } catch (e) {
        set({ importing: { fileName, running: false, result: null, error: describeError(t('import.failed', { file: fileName }), e) } });
        return false;
      }
    },
    clearImport: () => set({ importing: null }),
  }));
}
export type BatchesStore = ReturnType<typeof createBatchesStore>;
