import type { BatchSummary } from '../../../shared/contract/dto';

// Which batch the operator screen opens on: shared by the batches store and the boot entry, which
// asks for that batch's first queue page before the UI's code has loaded.

export interface BatchMemory {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
}

export const LAST_BATCH = 'perso-station.batch';

export function rememberedBatch(storage: BatchMemory | null): string | null {
  try {
    return storage?.getItem(LAST_BATCH) || null;
  } catch {
    return null;
  }
}

/** Newest first, in place. */
export function sortBatches(list: BatchSummary[]): BatchSummary[] {
  return list.sort((a, b) => b.importedAt - a.importedAt);
}

/** The remembered batch if the station still has it, else the newest open one. `list` sorted. */
export function pickBatch(list: BatchSummary[], current: string | null): string | null {
  return current && list.some((b) => b.batchId === current) ? current : (list.find((b) => b.state === 'open')?.batchId ?? null);
}
