import type { ProductChecks } from './products';
import type { Problem } from '../../shared/domain/problems';
import { validateMagstripeRecord } from '../../shared/magstripe/validate';
import { checkProductLayout, checkRecordLayout } from '../../shared/layout/index';
import { checkDgis } from './batch/dgi-checks';

// Each step's own checks, run when a product loads and for every record at import.
export const productChecks: ProductChecks = {
  product(p) {
    const problems: Problem[] = [];
    if (p.layout) problems.push(...checkProductLayout(p));
    return problems;
  },
  record(p, r, n) {
    const problems: Problem[] = [];
    if (p.magstripe && p.steps.includes('magstripe')) problems.push(...validateMagstripeRecord(p.magstripe, r, n));
    if (p.layout && (p.steps.includes('emboss') || p.steps.includes('laser'))) problems.push(...checkRecordLayout(p, r, n));
    if (p.steps.includes('chip') && !r.dgis?.length) problems.push({ record: n, recordId: r.recordId, field: 'dgis', message: 'is required: the product personalizes a chip' });
    else if (p.chip && p.steps.includes('chip')) problems.push(...checkDgis(p.chip, r, n));
    return problems;
  },
};
