import type { ProductRegistry } from '../products';
import type { CardStore } from '../store/card-store';
import { ImportPipeline, type ImportProgress, type ImportResult } from './pipeline';

// Batch import in this thread: for the CLI, the demo and tests. The station's API imports in a
// worker thread instead (import-service.ts), so the device thread never waits for a file. The
// same pipeline either way: everything checked in one pass, all or nothing.
export type { ImportResult, ImportProgress } from './pipeline';

/** Pieces the file is fed in (what a stream would give). */
export const CHUNK_CHARS = 1 << 20;

export async function importBatch(
  deps: { store: CardStore; products: ProductRegistry },
  fileName: string,
  content: string,
  by: string | null,
  onProgress?: (p: ImportProgress) => void,
): Promise<ImportResult> {
  const pipeline = new ImportPipeline({ db: deps.store.db, vault: deps.store.vault, products: deps.products, fileName, by, totalBytes: content.length, onProgress });
  try {
    for (let at = 0; at < content.length; at += CHUNK_CHARS) pipeline.push(content.slice(at, at + CHUNK_CHARS));
  } catch (e) {
    pipeline.cancel();
    throw e;
  }
  return pipeline.finish();
}
