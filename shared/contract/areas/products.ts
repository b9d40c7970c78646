import { z } from 'zod';
import type { CallTable, EventTable } from '../common';
import { ProblemSchema } from '../dto';

// Products: read one whole, preview a template while a supervisor edits it (the designer view),
// and save an edited product back to its file.
const ProductJson = z.record(z.string(), z.unknown());

export const PRODUCTS_CALLS = {
  'products.get': { input: z.object({ id: z.string().min(1).max(40) }).strict(), output: ProductJson },
  'products.preview': {
    input: z.object({ product: ProductJson, sample: z.record(z.string(), z.unknown()).optional() }).strict(),
    output: z.object({ front: z.string(), back: z.string(), problems: z.array(ProblemSchema), ms: z.number() }),
  },
  'products.save': {
    input: z.object({ product: ProductJson, reason: z.string().trim().min(3).max(500) }).strict(),
    output: z.object({ ok: z.literal(true), id: z.string() }),
  },
} as const satisfies CallTable;
export const PRODUCTS_EVENTS = {} as const satisfies EventTable;
