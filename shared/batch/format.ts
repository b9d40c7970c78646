import { z } from 'zod';
import { CardRecordSchema, type CardRecord } from '../domain/record';
import type { Problem } from '../domain/problems';

// The issuer's batch file, format "perso-batch/1" (docs/batch-format.md, JSON Schema in
// docs/batch.schema.json, generated from these schemas). Parsing collects every problem of
// every record; nothing is stored unless the whole file is clean.
export const BATCH_FORMAT = 'perso-batch/1';
export const BATCH_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const BatchHeaderSchema = z.object({
  format: z.literal(BATCH_FORMAT),
  batchId: z.string().regex(BATCH_ID, 'must be 1–64 letters, digits, dots, dashes or underscores'),
  productId: z.string().min(1).max(40),
  issuer: z.string().max(80).optional(),
  createdAt: z.string().max(40).optional(),
});
export type BatchHeader = z.infer<typeof BatchHeaderSchema>;

export const StrictRecordSchema = CardRecordSchema.strict();

export const BatchFileSchema = BatchHeaderSchema.extend({
  records: z.array(StrictRecordSchema).min(1).max(1_000_000),
}).strict();
export type BatchFile = z.infer<typeof BatchFileSchema>;

export interface ParsedBatch {
  header: BatchHeader;
  records: CardRecord[];
}

function pathOf(path: PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(record)';
}

/** Validates already-decoded header and raw records; returns every problem, never data values. */
export function validateBatch(header: unknown, rawRecords: unknown[]): { batch: ParsedBatch | null; problems: Problem[] } {
  const problems: Problem[] = [];
  const h = BatchHeaderSchema.safeParse(header);
  if (!h.success) for (const i of h.error.issues) problems.push({ record: null, field: pathOf(i.path), message: i.message });
  if (rawRecords.length === 0) problems.push({ record: null, field: 'records', message: 'the batch has no records' });
  const records: CardRecord[] = new Array(rawRecords.length);
  const seen = new Map<string, number>();
  for (let n = 0; n < rawRecords.length; n++) {
    const raw = rawRecords[n];
    const r = StrictRecordSchema.safeParse(raw);
    const recordId = typeof (raw as { recordId?: unknown })?.recordId === 'string' ? (raw as { recordId: string }).recordId : undefined;
    if (!r.success) {
      for (const i of r.error.issues) {
        const field = i.code === 'unrecognized_keys' ? (i as { keys: string[] }).keys.join(', ') : pathOf(i.path);
        const message = i.code === 'unrecognized_keys' ? 'is not a field of the batch format' : i.message;
        problems.push({ record: n + 1, recordId, field, message });
      }
      continue;
    }
    records[n] = r.data;
    const first = seen.get(r.data.recordId);
    if (first !== undefined) problems.push({ record: n + 1, recordId, field: 'recordId', message: `duplicates record ${first}` });
    else seen.set(r.data.recordId, n + 1);
  }
  return problems.length ? { batch: null, problems } : { batch: { header: h.data!, records }, problems };
}

export function parseBatchJson(text: string): { batch: ParsedBatch | null; problems: Problem[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { batch: null, problems: [{ record: null, field: '(file)', message: `is not valid JSON: ${(e as Error).message.replace(/"[^"]*"/g, '…')}` }] };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { batch: null, problems: [{ record: null, field: '(file)', message: 'must be a JSON object with a header and "records"' }] };
  const { records, ...header } = doc as Record<string, unknown>;
  const extra = Object.keys(header).filter((k) => !(k in BatchHeaderSchema.shape));
  const problems: Problem[] = extra.map((k) => ({ record: null, field: k, message: 'is not a field of the batch header' }));
  if (!Array.isArray(records)) return { batch: null, problems: [...problems, { record: null, field: 'records', message: 'must be an array of card records' }] };
  const res = validateBatch(header, records);
  return problems.length ? { batch: null, problems: [...problems, ...res.problems] } : res;
}
