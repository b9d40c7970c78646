import { readFileSync } from 'node:fs';
import { ProductSchema, type Product } from '../../shared/domain/product';
import { ValidationError, type Problem } from '../../shared/domain/problems';
import type { CardRecord } from '../../shared/domain/record';

// Products (card profiles) loaded from the files the config names. Each step's own checks
// (layout fits the card, tracks fit the stripe) run here when a product loads and for every
// record when a batch imports, so a bad field is caught at load time, not on the hundredth card.
export interface ProductChecks {
  product(p: Product): Problem[];
  record(p: Product, r: CardRecord, recordNo: number): Problem[];
}

export class ProductRegistry {
  private readonly byId = new Map<string, Product>();
  private readonly paths = new Map<string, string>();
  constructor(private readonly checks: ProductChecks) {}

  loadFiles(paths: string[]): void {
    const problems: Problem[] = [];
    const loaded: { p: Product; path: string }[] = [];
    for (const path of paths) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(path, 'utf8'));
      } catch (e) {
        problems.push({ record: null, field: path, message: `cannot be read as JSON (${(e as Error).message})` });
        continue;
      }
      const r = ProductSchema.safeParse(raw);
      if (!r.success) {
        for (const i of r.error.issues) problems.push({ record: null, field: `${path}: ${i.path.join('.')}`, message: i.message });
        continue;
      }
      for (const p of this.checks.product(r.data)) problems.push({ ...p, field: `${path}: ${p.field}` });
      loaded.push({ p: r.data, path });
    }
    if (problems.length) throw new ValidationError('products', problems);
    for (const { p, path } of loaded) {
      if (this.byId.has(p.id)) throw new ValidationError('products', [{ record: null, field: 'id', message: `product ${p.id} is defined twice` }]);
      this.byId.set(p.id, p);
      this.paths.set(p.id, path);
    }
  }

  add(p: Product): void {
    const problems = this.checks.product(p);
    if (problems.length) throw new ValidationError(`product ${p.id}`, problems);
    this.byId.set(p.id, p);
  }

  /** The file a product was loaded from (where an edit is saved). */
  pathOf(id: string): string | undefined {
    return this.paths.get(id);
  }

  get(id: string): Product {
    const p = this.byId.get(id);
    if (!p) throw new Error(`unknown product ${id}`);
    return p;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  list(): Product[] {
    return [...this.byId.values()];
  }

  checkProduct(p: Product): Problem[] {
    return this.checks.product(p);
  }

  checkRecord(p: Product, r: CardRecord, recordNo: number): Problem[] {
    return this.checks.record(p, r, recordNo);
  }
}
