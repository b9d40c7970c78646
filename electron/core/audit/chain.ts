import * as crypto from 'node:crypto';

// The chain's canonical encoding. Each entry's hash covers its sequence number, its time, every
// field and the previous entry's hash, so changing, removing, reordering or inserting an entry
// breaks either its own hash or the link of the next one. The encoding is a JSON array in a fixed
// column order (JSON.stringify is deterministic for strings, integers and null), prefixed by a
// version tag, so an auditor can re-implement it in a few lines of any language.

export const CHAIN_TAG = 'perso-audit-v1\n';
export const GENESIS_HASH = '0'.repeat(64);

/** Column order of the hashed array; also the order rows are read in for verification. */
export const CHAIN_COLUMNS = [
  'seq', 'ts', 'type', 'severity', 'outcome', 'user', 'origin', 'resource',
  'batch_id', 'card_id', 'record_id', 'masked_pan', 'message', 'data', 'prev_hash',
] as const;

export type ChainRow = [
  seq: number, ts: number, type: string, severity: string, outcome: string, user: string | null, origin: string,
  resource: string | null, batchId: string | null, cardId: number | null, recordId: string | null,
  maskedPan: string | null, message: string, data: string | null, prevHash: string,
];

// crypto.hash (Node ≥ 20.12) is the one-shot form, about 3× faster than createHash for an
// entry-sized input; the fallback keeps older runtimes working.
export const sha256Hex: (s: string) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha256', s, 'hex') : (s) => crypto.createHash('sha256').update(s).digest('hex');

/** The same over bytes already encoded (verify hashes slices of one buffer read from SQLite). */
export const sha256HexBytes: (b: Uint8Array) => string =
  typeof crypto.hash === 'function' ? (b) => crypto.hash('sha256', b, 'hex') : (b) => crypto.createHash('sha256').update(b).digest('hex');

export function hashChainRow(row: readonly unknown[]): string {
  return sha256Hex(CHAIN_TAG + JSON.stringify(row));
}

/** The bytes an entry is hashed over and stored as (audit_chain.canon, chain v2). */
export function canonBytes(row: readonly unknown[]): Buffer {
  return Buffer.from(CHAIN_TAG + JSON.stringify(row), 'utf8');
}

/**
 * The chained columns held in stored canon bytes, or null when they are not the tag followed by
 * a JSON array of CHAIN_COLUMNS.length values (a hand edit). `json` is the text after the tag.
 */
export function decodeCanon(canon: Uint8Array | string): { row: unknown[]; json: string } | null {
  const text = typeof canon === 'string' ? canon : Buffer.from(canon.buffer, canon.byteOffset, canon.byteLength).toString('utf8');
  if (!text.startsWith(CHAIN_TAG)) return null;
  const json = text.slice(CHAIN_TAG.length);
  let row: unknown;
  try {
    row = JSON.parse(json);
  } catch {
    return null;
  }
  return Array.isArray(row) && row.length === CHAIN_COLUMNS.length ? { row, json } : null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * The string as SQLite will store it: a lone surrogate half cannot be encoded in UTF-8 and would
 * come back as U+FFFD, so it is replaced before hashing, or the stored entry would not verify.
 */
export function wellFormed(s: string): string {
  return LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATES, '\uFFFD') : s;
}

/**
 * Canonical JSON of an entry's data (keys sorted, so equal data always hashes the same) with
 * `clean` applied to each value on the way, and the cleaned object; null when there is nothing
 * to record.
 */
export function canonicalData<V>(
  data: Record<string, unknown> | null | undefined,
  clean: (k: string, v: unknown) => V = (_k, v) => v as V,
): { json: string; value: Record<string, V> } | null {
  if (data == null) return null;
  const keys = Object.keys(data);
  if (keys.length > 1) keys.sort();
  let json = '';
  const value: Record<string, V> = {};
  for (const k of keys) {
    const v = data[k];
    if (v === undefined) continue;
    const key = wellFormed(k);
    const c = (value[key] = clean(key, v));
    json += (json ? ',' : '{') + JSON.stringify(key) + ':' + JSON.stringify(c);
  }
  return json ? { json: json + '}', value } : null;
}
