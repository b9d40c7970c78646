import { z } from 'zod';
import { CardRecordSchema, type CardRecord } from '../domain/record';
import { luhnValid } from '../domain/pan';
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

// ---- The schema's fast path ----
//
// A batch holds up to a million records, and running the schema over each one (with its copy of
// every record and DGI) cost more than everything else in an import. quickRecord accepts only a
// record the schema certainly accepts, checked rule by rule below, and gives what the schema
// would give; for anything else it returns null and the schema itself decides and words the
// problems. tests/unit/core/batch-quick.test.ts holds the two to the same answers.

const RECORD_KEYS = new Set(['recordId', 'pan', 'expiry', 'serviceCode', 'name', 'embossName', 'fields', 'track1Discretionary', 'track2Discretionary', 'cvv2', 'dgis', 'graphic']);
const EXPIRY = /^\d{2}(0[1-9]|1[0-2])$/;
const PAN = /^\d{12,19}$/;
const SERVICE_CODE = /^\d{3}$/;
const CVV2 = /^\d{3,4}$/;

/** An object as JSON.parse makes it (the schema would copy anything else into one). */
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

function optString(v: unknown, max: number): boolean {
  return v === undefined || (typeof v === 'string' && v.length <= max);
}

function isHex(s: string, evenLength: boolean): boolean {
  if (evenLength && s.length % 2) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** The DGIs as the schema gives them (encrypted defaults to false), or null to ask the schema. */
function quickDgis(v: unknown[]): unknown[] | null {
  let out: unknown[] | null = null;
  for (let i = 0; i < v.length; i++) {
    const d = v[i];
    if (!isPlainObject(d)) return null;
    let keys = 0;
    for (const k in d) {
      if (k !== 'dgi' && k !== 'data' && k !== 'encrypted') return null;
      keys++;
    }
    const { dgi, data, encrypted } = d;
    if (typeof dgi !== 'string' || dgi.length !== 4 || !isHex(dgi, false) || typeof data !== 'string' || !isHex(data, true)) return null;
    if (encrypted === undefined) {
      if (keys === 3) return null; // present but undefined: leave that case to the schema
      (out ??= v.slice())[i] = { dgi, data, encrypted: false };
    } else if (typeof encrypted !== 'boolean') return null;
  }
  return out ?? v;
}

/** `raw` as StrictRecordSchema parses it when the schema certainly accepts it, else null. */
export function quickRecord(raw: unknown): CardRecord | null {
  if (!isPlainObject(raw)) return null;
  for (const k in raw) if (!RECORD_KEYS.has(k) || raw[k] === undefined) return null;
  const r = raw as Record<string, unknown>;
  const { recordId, pan, expiry, name, fields, dgis } = r;
  if (typeof recordId !== 'string' || recordId.length < 1 || recordId.length > 40) return null;
  if (typeof pan !== 'string' || !PAN.test(pan) || !luhnValid(pan)) return null;
  if (typeof expiry !== 'string' || !EXPIRY.test(expiry)) return null;
  if (typeof name !== 'string' || name.length < 2 || name.length > 26) return null;
  if (r.serviceCode !== undefined && (typeof r.serviceCode !== 'string' || !SERVICE_CODE.test(r.serviceCode))) return null;
  if (r.cvv2 !== undefined && (typeof r.cvv2 !== 'string' || !CVV2.test(r.cvv2))) return null;
  if (!optString(r.embossName, 27) || !optString(r.track1Discretionary, 79) || !optString(r.track2Discretionary, 40) || !optString(r.graphic, 200_000)) return null;
  if (fields !== undefined) {
    if (!isPlainObject(fields)) return null;
    for (const k in fields) if (k === '__proto__' || typeof fields[k] !== 'string') return null;
  }
  if (dgis === undefined) return raw as CardRecord;
  if (!Array.isArray(dgis)) return null;
  const d = quickDgis(dgis);
  if (!d) return null;
  return (d === dgis ? raw : { ...raw, dgis: d }) as CardRecord;
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
    const quick = quickRecord(raw);
    const r = quick ? { success: true as const, data: quick } : StrictRecordSchema.safeParse(raw);
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
    // The parser's message quotes the text around the error, which may be card data: keep only where.
    const at = /position (\d+)/.exec((e as Error).message);
    return { batch: null, problems: [{ record: null, field: '(file)', message: `is not valid JSON${at ? ` (at character ${at[1]})` : ''}` }] };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { batch: null, problems: [{ record: null, field: '(file)', message: 'must be a JSON object with a header and "records"' }] };
  const { records, ...header } = doc as Record<string, unknown>;
  const extra = Object.keys(header).filter((k) => !(k in BatchHeaderSchema.shape));
  const problems: Problem[] = extra.map((k) => ({ record: null, field: k, message: 'is not a field of the batch header' }));
  if (!Array.isArray(records)) return { batch: null, problems: [...problems, { record: null, field: 'records', message: 'must be an array of card records' }] };
  const res = validateBatch(header, records);
  return problems.length ? { batch: null, problems: [...problems, ...res.problems] } : res;
}
