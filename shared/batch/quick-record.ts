import type { CardRecord } from '../domain/record';
import { luhnValid } from '../domain/pan';
import { FIELD_KEY, FORBIDDEN_KEYS, LIMITS, RECORD_ID } from './limits';
import { SAFE_TEXT } from './record-schema';

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
const ZEROS = /^0+$/;
const SERVICE_CODE = /^\d{3}$/;
const CVV2 = /^\d{3,4}$/;

/** An object as JSON.parse makes it (the schema would copy anything else into one). */
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

function optText(v: unknown, max: number): boolean {
  return v === undefined || (typeof v === 'string' && v.length <= max && SAFE_TEXT.test(v));
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
  if (v.length > LIMITS.dgis) return null;
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
    if (typeof dgi !== 'string' || dgi.length !== 4 || !isHex(dgi, false) || typeof data !== 'string' || data.length > 2 * LIMITS.dgiBytes || !isHex(data, true)) return null;
    if (encrypted === undefined) {
      if (keys === 3) return null; // present but undefined: leave that case to the schema
      (out ??= v.slice())[i] = { dgi, data, encrypted: false };
    } else if (typeof encrypted !== 'boolean') return null;
  }
  return out ?? v;
}

function quickFields(fields: unknown): boolean {
  if (!isPlainObject(fields)) return false;
  let n = 0;
  for (const k in fields) {
    const v = fields[k];
    if (++n > LIMITS.fieldKeys || !FIELD_KEY.test(k) || FORBIDDEN_KEYS.has(k) || typeof v !== 'string' || v.length > LIMITS.fieldValue || !SAFE_TEXT.test(v)) return false;
  }
  return true;
}

/** `raw` as BatchRecordSchema parses it when the schema certainly accepts it, else null. */
export function quickRecord(raw: unknown): CardRecord | null {
  if (!isPlainObject(raw)) return null;
  for (const k in raw) if (!RECORD_KEYS.has(k) || raw[k] === undefined) return null;
  const r = raw as Record<string, unknown>;
  const { recordId, pan, expiry, name, fields, dgis } = r;
  if (typeof recordId !== 'string' || !RECORD_ID.test(recordId)) return null;
  if (typeof pan !== 'string' || !PAN.test(pan) || !luhnValid(pan) || ZEROS.test(pan)) return null;
  if (typeof expiry !== 'string' || !EXPIRY.test(expiry)) return null;
  if (typeof name !== 'string' || name.length < 2 || name.length > LIMITS.name || !SAFE_TEXT.test(name)) return null;
  if (r.serviceCode !== undefined && (typeof r.serviceCode !== 'string' || !SERVICE_CODE.test(r.serviceCode))) return null;
  if (r.cvv2 !== undefined && (typeof r.cvv2 !== 'string' || !CVV2.test(r.cvv2))) return null;
  if (!optText(r.embossName, LIMITS.embossName) || !optText(r.track1Discretionary, LIMITS.track1Discretionary) || !optText(r.track2Discretionary, LIMITS.track2Discretionary) || !optText(r.graphic, LIMITS.graphic)) return null;
  if (fields !== undefined && !quickFields(fields)) return null;
  if (dgis === undefined) return raw as CardRecord;
  if (!Array.isArray(dgis)) return null;
  const d = quickDgis(dgis);
  if (!d) return null;
  return (d === dgis ? raw : { ...raw, dgis: d }) as CardRecord;
}
