import type { Database } from 'better-sqlite3';
import { SELECT_COLUMNS, toEntry, type DbRow } from './rows';
import type { AuditFilter, AuditPage } from './types';

// Filtered pages of the audit log with keyset pagination (seq cursors), so the cost of a page
// does not grow with how deep it is. Filters run on audit_search, whose index on (col) also
// carries the rowid: "col = ? ORDER BY seq" reads the index in order and stops after one page.
// Before that, each identifying filter (batch, card, record, PAN, resource, user) narrows the
// seq range to its first and last entry (two index lookups), which keeps a full-text walk or a
// second filter from scanning entries outside it. A list filter (type IN (…)) cannot be read in
// seq order from one index, so each value (or type×severity pair) runs as its own ordered query
// and the pages are merged. A time range becomes a seq range through the ts index (the log's ts
// never decreases). Text goes through the FTS index, walked in rowid order.

export const COUNT_CAP = 10_000;
export const MAX_LIMIT = 1000;
const MAX_VARIANTS = 16;
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

const EQUALITY: [keyof AuditFilter, string, boolean][] = [
  // [filter, column, narrows the seq range]
  ['cardId', 'card_id', true], ['recordId', 'record_id', true], ['maskedPan', 'masked_pan', true],
  ['batchId', 'batch_id', true], ['resource', 'resource', true], ['user', 'user', true], ['outcome', 'outcome', false],
];

const LOG_COLUMNS = SELECT_COLUMNS.split(', ').map((c) => 'l.' + c).join(', ');

interface Plan {
  where: string[];
  params: unknown[];
  match: string | null;
  desc: boolean;
}

export function queryAudit(db: Database, f: AuditFilter): AuditPage {
  const limit = Math.max(1, Math.min(MAX_LIMIT, Math.trunc(f.limit ?? 100)));
  const desc = (f.order ?? 'desc') === 'desc';
  const range = seqRange(db, f);
  const variants = range ? buildVariants(f, desc) : [];
  const result: AuditPage = { rows: [] };
  if (range && variants.length) {
    let lo = range.lo;
    let hi = range.hi;
    if (f.afterSeq != null) lo = Math.max(lo, Math.trunc(f.afterSeq) + 1);
    if (f.beforeSeq != null) hi = Math.min(hi, Math.trunc(f.beforeSeq) - 1);
    if (lo <= hi) {
      let rows: DbRow[] = [];
      for (const v of variants) rows = rows.concat(runPage(db, v, lo, hi, limit + 1));
      if (variants.length > 1) rows.sort((a, b) => (desc ? b.seq - a.seq : a.seq - b.seq));
      if (rows.length > limit) {
        rows = rows.slice(0, limit);
        result.nextCursor = rows[limit - 1].seq;
      }
      result.rows = rows.map(toEntry);
    }
  }
  if (f.count) {
    let total = 0;
    if (range) for (const v of variants) total += runCount(db, v, range.lo, range.hi);
    result.totalCapped = total > COUNT_CAP;
    result.total = Math.min(total, COUNT_CAP);
  }
  return result;
}

function buildVariants(f: AuditFilter, desc: boolean): Plan[] {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [key, col] of EQUALITY) {
    const v = f[key];
    if (v == null) continue;
    where.push(`s.${col} = ?`);
    params.push(v);
  }
  if (f.from != null) (where.push('s.ts >= ?'), params.push(f.from));
  if (f.to != null) (where.push('s.ts <= ?'), params.push(f.to));
  const text = f.text ? ftsQuery(f.text) : null;
  const types = listOf(f.type);
  const sevs = listOf(f.severity);
  if ((types && !types.length) || (sevs && !sevs.length)) return [];
  const plan = (w: string[], p: unknown[]): Plan => ({ where: [...where, ...w], params: [...params, ...p], match: text, desc });
  if ((types?.length ?? 1) * (sevs?.length ?? 1) > MAX_VARIANTS) {
    const w: string[] = [];
    const p: unknown[] = [];
    if (types) (w.push(`s.type IN (${types.map(() => '?').join(',')})`), p.push(...types));
    if (sevs) (w.push(`s.severity IN (${sevs.map(() => '?').join(',')})`), p.push(...sevs));
    return [plan(w, p)];
  }
  const out: Plan[] = [];
  for (const t of types ?? [undefined]) {
    for (const s of sevs ?? [undefined]) {
      const w: string[] = [];
      const p: unknown[] = [];
      if (t !== undefined) (w.push('s.type = ?'), p.push(t));
      if (s !== undefined) (w.push('s.severity = ?'), p.push(s));
      out.push(plan(w, p));
    }
  }
  return out;
}

function fromClause(plan: Plan): { from: string; seq: string; lead: unknown[] } {
  const and = plan.where.map((w) => ' AND ' + w).join('');
  if (plan.match) {
    return {
      from: `audit_fts AS f CROSS JOIN audit_search AS s ON s.seq = f.rowid CROSS JOIN audit_log AS l ON l.seq = s.seq
        WHERE f.audit_fts MATCH ? AND f.rowid >= ? AND f.rowid <= ?${and}`,
      seq: 'f.rowid',
      lead: [plan.match],
    };
  }
  // On generated columns (schema v3) the planner takes the user index alone for user + type and
  // then decodes every entry of that user (0.4 s over a million entries against 0.4 ms): named here.
  const hint = plan.where.includes('s.user = ?') && plan.where.includes('s.type = ?') ? ' INDEXED BY audit_search_user_type' : '';
  return { from: `audit_search AS s${hint} CROSS JOIN audit_log AS l ON l.seq = s.seq WHERE s.seq >= ? AND s.seq <= ?${and}`, seq: 's.seq', lead: [] };
}

function runPage(db: Database, plan: Plan, lo: number, hi: number, n: number): DbRow[] {
  const c = fromClause(plan);
  const sql = `SELECT ${LOG_COLUMNS} FROM ${c.from} ORDER BY ${c.seq} ${plan.desc ? 'DESC' : 'ASC'} LIMIT ?`;
  return db.prepare(sql).all(...c.lead, lo, hi, ...plan.params, n) as DbRow[];
}

function runCount(db: Database, plan: Plan, lo: number, hi: number): number {
  const c = fromClause(plan);
  const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM ${c.from} LIMIT ?)`;
  return (db.prepare(sql).get(...c.lead, lo, hi, ...plan.params, COUNT_CAP + 1) as { n: number }).n;
}

/** The seq range that can hold matches (time range and identifying filters), or null when none can. */
function seqRange(db: Database, f: AuditFilter): { lo: number; hi: number } | null {
  let lo = 0;
  let hi = MAX_SEQ;
  const narrow = (where: string, v: unknown): boolean => {
    const first = db.prepare(`SELECT seq FROM audit_search WHERE ${where} ORDER BY seq ASC LIMIT 1`).get(v) as { seq: number } | undefined;
    const last = db.prepare(`SELECT seq FROM audit_search WHERE ${where} ORDER BY seq DESC LIMIT 1`).get(v) as { seq: number } | undefined;
    if (!first || !last) return false;
    lo = Math.max(lo, first.seq);
    hi = Math.min(hi, last.seq);
    return lo <= hi;
  };
  if (f.from != null) {
    const r = db.prepare('SELECT seq FROM audit_search WHERE ts >= ? ORDER BY ts ASC, seq ASC LIMIT 1').get(f.from) as { seq: number } | undefined;
    if (!r) return null;
    lo = r.seq;
  }
  if (f.to != null) {
    const r = db.prepare('SELECT seq FROM audit_search WHERE ts <= ? ORDER BY ts DESC, seq DESC LIMIT 1').get(f.to) as { seq: number } | undefined;
    if (!r) return null;
    hi = Math.min(hi, r.seq);
  }
  for (const [key, col, narrows] of EQUALITY) {
    const v = f[key];
    if (narrows && v != null && !narrow(`${col} = ?`, v)) return null;
  }
  return lo <= hi ? { lo, hi } : null;
}

function listOf<T extends string>(v: T | T[] | undefined): T[] | null {
  if (v == null) return null;
  return [...new Set(Array.isArray(v) ? v : [v])];
}

/**
 * Each word of the user's text becomes a quoted term, all of which must match; a word ending in
 * `*` matches as a prefix. Whole words by default because a prefix of a common word makes FTS5
 * merge every matching token's list (tens of ms over a million entries), a whole word does not.
 */
export function ftsQuery(text: string): string | null {
  const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (!words.length) return null;
  return words.map((w) => `"${w.replace(/\*+$/, '').replace(/"/g, '')}"${w.endsWith('*') ? '*' : ''}`).join(' ');
}
