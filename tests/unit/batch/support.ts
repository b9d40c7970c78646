import { importBatch } from '../../../electron/core/batch/import';
import { ProductRegistry } from '../../../electron/core/products';
import { productChecks } from '../../../electron/core/product-checks';
import { ProductSchema, type ProductInput } from '../../../shared/domain/product';
import { ValidationError, type Problem } from '../../../shared/domain/problems';
import { demoProduct } from '../../../electron/cli/demo';
import type { CardStore } from '../../../electron/core/store/card-store';

// Shared by the batch intake tests: a plain product whose own check refuses an X in the name,
// the demo product with the station's real checks, and a way to get a refusal's problems.
export const plain = { id: 'P1', name: 'Plain', test: true, steps: ['emboss'] as const, layout: { front: [], back: [] }, retries: {}, secureFields: [] };

export function plainRegistry(extra: object = {}): ProductRegistry {
  const r = new ProductRegistry({ product: () => [], record: (_p, rec, n) => (rec.name.includes('X') ? [{ record: n, recordId: rec.recordId, field: 'name', message: 'product says no X' }] : []) });
  r.add({ ...plain, ...extra } as never);
  return r;
}

export function realRegistry(p: ProductInput = demoProduct()): ProductRegistry {
  const r = new ProductRegistry(productChecks);
  r.add(ProductSchema.parse(p));
  return r;
}

export const jsonFile = (records: unknown[], extra: object = {}) => JSON.stringify({ format: 'perso-batch/1', batchId: 'B1', productId: 'P1', ...extra, records });

/** The refusal of an import: its problems (and the error), or a failure when it was accepted. */
export async function refusal(store: CardStore, products: ProductRegistry, fileName: string, content: string): Promise<{ e: ValidationError; problems: Problem[]; where: string[] }> {
  let err: unknown = null;
  try {
    await importBatch({ store, products }, fileName, content, 'tester');
  } catch (e) {
    err = e;
  }
  if (!(err instanceof ValidationError)) throw new Error(`expected the file to be refused with problems, got ${err ? String(err) : 'an accepted import'}`);
  return { e: err, problems: err.problems, where: err.problems.map((p) => `${p.record ?? '-'}:${p.field}`) };
}

/** YYMM of the month before this one (a card already expired). */
export function lastMonth(): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return String(d.getUTCFullYear() % 100).padStart(2, '0') + String(d.getUTCMonth() + 1).padStart(2, '0');
}
