import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { BatchSummary } from '../../../shared/contract/dto';
import { describeError, type ShownError } from '../station/errors';
import { t } from '../i18n/t';
import { LAST_BATCH, pickBatch, rememberedBatch, sortBatches, type BatchMemory } from './batch-pick';

export type { BatchMemory } from './batch-pick';

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
  /** At boot, beside the session check: the list if the station already knows us; a refusal is
   * not shown (the operator screen asks again). Resolves with the batch to show, if any. */
  prefetch(): Promise<string | null>;
  select(id: string | null): void;
  /** A scanned or typed batch ticket: selects the batch if the station has it. */
  scan(text: string): Promise<boolean>;
  importFile(fileName: string, content: string): Promise<boolean>;
  clearImport(): void;
  /** Cancels the running import (its task id from task.progress): nothing of it is stored. */
  cancelImport(taskId: string): Promise<void>;
}

/** Scanners add spaces, prefixes in lower case, CR/LF: compare the ids loosely but exactly in content. */
export function findBatch(list: BatchSummary[], scanned: string): BatchSummary | undefined {
  const want = scanned.trim().toUpperCase();
  if (!want) return undefined;
  return list.find((b) => b.batchId.toUpperCase() === want);
}


/** `storage` remembers the batch shown last, so the next start can fetch its queue at once. */
export function createBatchesStore(api: StationApi, storage: BatchMemory | null = null) {
  const remember = (id: string | null) => {
    try {
      if (id) storage?.setItem(LAST_BATCH, id);
    } catch {
      // not remembered: the next start just waits for the batch list
    }
  };
  let listing: Promise<BatchSummary[]> | null = null;
  return createStore<BatchesState>()((set, get) => ({
    list: [],
    loaded: false,
    selectedId: rememberedBatch(storage),
    error: null,
    scanMessage: null,
    importing: null,
    load: async () => {
      try {
        // The boot prefetch may still be on its way: share its answer instead of asking twice.
        const list = await (listing ?? api.call('batches.list', {}));
        sortBatches(list);
        // A remembered batch may have been removed since: then fall back to the newest open one.
        const sel = pickBatch(list, get().selectedId);
        set({ list, loaded: true, error: null, selectedId: sel });
        remember(sel);
      } catch (e) {
        set({ loaded: true, error: describeError(t('batch.loadFailed'), e) });
      }
    },
    prefetch: async () => {
      try {
        listing = api.call('batches.list', {});
        const list = await listing;
        if (get().loaded) return get().selectedId;
        sortBatches(list);
        const sel = pickBatch(list, get().selectedId);
        set({ list, loaded: true, error: null, selectedId: sel });
        remember(sel);
        return sel;
      } catch {
        return null;
      } finally {
        listing = null;
      }
    },
    select: (id) => {
      remember(id);
      set({ selectedId: id, scanMessage: null });
    },
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
      remember(found.batchId);
      set({ selectedId: found.batchId, scanMessage: { ok: true, text: t('batch.scanned', { id: found.batchId }) } });
      return true;
    },
    importFile: async (fileName, content) => {
      set({ importing: { fileName, running: true, result: null, error: null } });
      try {
        const result = await api.call('batches.import', { fileName, content });
        remember(result.batchId);
        set({ importing: { fileName, running: false, result, error: null }, selectedId: result.batchId });
        await get().load();
        return true;
      } catch (e) {
        set({ importing: { fileName, running: false, result: null, error: describeError(t('import.failed', { file: fileName }), e) } });
        return false;
      }
    },
    clearImport: () => set({ importing: null }),
    cancelImport: async (taskId) => {
      await api.call('batches.importCancel', { taskId });
    },
  }));
}
export type BatchesStore = ReturnType<typeof createBatchesStore>;
