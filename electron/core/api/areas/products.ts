import { writeFileSync, renameSync } from 'node:fs';
import { PRODUCTS_CALLS } from '../../../../shared/contract/areas/products';
import { ProductSchema, type Product } from '../../../../shared/domain/product';
import { CardRecordSchema } from '../../../../shared/domain/record';
import { ValidationError, type Problem } from '../../../../shared/domain/problems';
import { layoutCard, renderSideSvg, SAMPLE_RECORD, checkRecordLayout } from '../../../../shared/layout/index';
import { CallRefused } from '../dispatch';
import type { AreaDeps, HandlersFor } from '../area';

// The designer view's back end: the preview runs the same layout code as the device output, on
// a sample record (never a real cardholder's), and reports every problem of the template.
function parseProduct(raw: unknown): { product: Product | null; problems: Problem[] } {
  const r = ProductSchema.safeParse(raw);
  if (r.success) return { product: r.data, problems: [] };
  return { product: null, problems: r.error.issues.map((i) => ({ record: null, field: i.path.join('.') || '(product)', message: i.message })) };
}

export function productsHandlers(d: AreaDeps): HandlersFor<typeof PRODUCTS_CALLS> {
  const { station } = d;
  return {
    'products.get': (i, conn) => {
      d.need(conn, 'batch.run');
      if (!station.products.has(i.id)) throw new CallRefused('NOT_FOUND', `no product ${i.id}`);
      return station.products.get(i.id) as unknown as Record<string, unknown>;
    },
    'products.preview': (i, conn) => {
      d.need(conn, 'product.manage');
      const t0 = performance.now();
      const { product, problems } = parseProduct(i.product);
      const sample = i.sample ? CardRecordSchema.safeParse(i.sample) : null;
      if (sample && !sample.success) problems.push(...sample.error.issues.map((x) => ({ record: null, field: `sample.${x.path.join('.')}`, message: x.message })));
      if (!product || !product.layout) return { front: '', back: '', problems, ms: performance.now() - t0 };
      const record = sample?.success ? sample.data : SAMPLE_RECORD;
      problems.push(...station.products.checkProduct(product), ...checkRecordLayout(product, record, 1));
      let front = '';
      let back = '';
      try {
        const layout = layoutCard(product.layout, record, { maskPan: true, product });
        front = renderSideSvg(layout, 'front');
        back = renderSideSvg(layout, 'back');
      } catch (e) {
        problems.push({ record: null, field: 'layout', message: `cannot be drawn: ${(e as Error).message}` });
      }
      return { front, back, problems, ms: performance.now() - t0 };
    },
    'products.save': (i, conn) => {
      const user = d.need(conn, 'product.manage');
      const { product, problems } = parseProduct(i.product);
      if (!product) throw new ValidationError('product', problems);
      const path = station.products.pathOf(product.id);
      if (!path) throw new CallRefused('NOT_FOUND', `product ${product.id} is not one of this station's product files; add new products to the station config`);
      if (product.test !== station.products.get(product.id).test)
        throw new CallRefused('CONFLICT', 'a product cannot switch between test and production here: test keys are only for products marked test');
      const checks = station.products.checkProduct(product);
      if (checks.length) throw new ValidationError(`product ${product.id}`, checks);
      // Written whole then renamed, so a crash never leaves half a product file.
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, JSON.stringify(product, null, 2));
      renameSync(tmp, path);
      station.products.add(product);
      station.log({ type: 'product.save', severity: 'info', outcome: 'success', user: user.username, origin: conn.origin, resource: `product:${product.id}`, message: `${user.username} changed product ${product.id}: ${i.reason}` });
      return { ok: true as const, id: product.id };
    },
  };
}
