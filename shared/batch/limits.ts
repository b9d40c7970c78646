// The documented limits of a perso-batch/1 file (docs/batch-format.md; the JSON Schema carries
// the per-field ones). A limit is there so that a hostile or broken file is refused early, with
// a clear problem, instead of filling memory, the store or the operator's screen.
export const LIMITS = {
  /** Bytes of the whole file (JSON or CSV). */
  fileBytes: 200 * 1024 * 1024,
  records: 1_000_000,
  recordId: 40,
  name: 26,
  embossName: 27,
  /** Template fields per record, length of a field's name and of its value. */
  fieldKeys: 32,
  fieldKey: 40,
  fieldValue: 200,
  track1Discretionary: 79,
  track2Discretionary: 40,
  /** DGIs per record, and bytes of one DGI's data (hex digits are twice that). */
  dgis: 64,
  dgiBytes: 4096,
  graphic: 200_000,
  issuer: 80,
  createdAt: 40,
  /** Expiry: not before the import month, at most this many years after it. */
  expiryYearsAhead: 20,
  /** Problems listed for one file (the total is always given). */
  problemsListed: 1000,
  /** Characters of a CSV line (a longer one is refused before it is parsed). */
  csvLine: 1_000_000,
} as const;

/** Keys an object may never have, whatever the schema (prototype pollution in later code). */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Control characters (C0, DEL, C1) and invisible format characters (zero-width, bidi, BOM). */
const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

export function hasUnsafeChars(s: string): boolean {
  return UNSAFE_CHARS.test(s);
}

/** A record id: visible ASCII only, so two ids that look the same are the same. */
export const RECORD_ID = /^[!-~]{1,40}$/;
/** A template field's name. */
export const FIELD_KEY = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
