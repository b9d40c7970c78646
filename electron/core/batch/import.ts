import { parseBatchJson, type ParsedBatch } from '../../../shared/batch/format';
import { parseBatchCsv } from '../../../shared/batch/csv';
import { ValidationError, type Problem } from '../../../shared/domain/problems';
import type { ProductRegistry } from '../products';
import type { CardStore } from '../store/card-store';
import { ConflictError } from '../store/card-store';

// Batch import: decode, validate the whole file (format, every record, the product's own checks
// per record), and only then store it in one transaction. A file with any problem is refused
// with all of them listed, and nothing of it is stored.
export interface ImportResult {
  batchId: string;
  productId: string;
  records: number;
}

export function decodeBatch(fileName: string, content: string, defaults: { batchId?: string; productId?: string } = {}): ParsedBatch {
  const isCsv = /\.csv$/i.test(fileName) || (!content.trimStart().startsWith('{') && /^(#|recordId)/m.test(content));
  const { batch, problems } = isCsv ? parseBatchCsv(content, defaults) : parseBatchJson(content);
  if (!batch) throw new ValidationError(`batch file ${fileName}`, problems);
  return batch;
}

export function importBatch(
  deps: { store: CardStore; products: ProductRegistry },
  fileName: string,
  content: string,
  by: string | null,
  onProgress?: (done: number, total: number) => void,
): ImportResult {
  const batch = decodeBatch(fileName, content);
  const { header, records } = batch;
  if (deps.store.hasBatch(header.batchId)) throw new ConflictError(`batch ${header.batchId} was already imported; a batch id is imported once`);
  if (!deps.products.has(header.productId)) {
    throw new ValidationError(`batch file ${fileName}`, [{ record: null, field: 'productId', message: `names product "${header.productId}", which this station does not have` }]);
  }
  const product = deps.products.get(header.productId);
  // Sealing runs beside the checks (a worker for a large batch); a refused batch drops it.
  const sealed = deps.store.sealBatch(batch);
  const problems: Problem[] = [];
  try {
    for (let i = 0; i < records.length; i++) {
      for (const p of deps.products.checkRecord(product, records[i], i + 1)) problems.push(p);
      if (problems.length > 10_000) break;
    }
  } catch (e) {
    sealed.close();
    throw e;
  }
  if (problems.length) {
    sealed.close();
    throw new ValidationError(`batch file ${fileName}`, problems);
  }
  deps.store.importBatch(batch, fileName, by, onProgress, sealed);
  return { batchId: header.batchId, productId: header.productId, records: records.length };
}
