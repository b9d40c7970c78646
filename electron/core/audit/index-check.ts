import type { Database } from 'better-sqlite3';
import { LOG_VIEW, SEARCH_TABLE } from './schema';
import { CHUNK } from './chunk-check';

// verify's check of what the filters read besides the chain (issue 17 item 2): the search index
// (audit_search, a copy of each entry's hashed bytes whose filter columns are generated from them)
// and the text index (audit_fts). Entries the indexer has not reached yet (seq above
// audit_index_state.indexed_through) are not checked: a query indexes them before it runs, from
// the chain. What is checked, and what each check finds, is in docs/security.md ("Search index").
//
// - per entry, in seq ranges (range-verify.worker.ts runs it beside the chain check, on the chunk
//   it has just hashed): the head equals the start of the entry's bytes and a comma follows it
//   there (an edited filter column, an edited or missing head); the text index holds a row for
//   each entry (counted: its docsize rows) put in no later than the entry after it (a rewritten
//   text row);
// - once: no head decodes as blanks (ts 0, found through the ts index: a head cut short or made
//   no array), no search or text row outside the online, indexed entries (rows made up or left
//   behind), and the definitions of the view, the search table and the text index are the ones
//   this program wrote (a redefined generated column or view would show other values).

// The SQL form of the head check, for entries no range worker read (memory databases, the walk
// after a break, entries appended during verify).
const SEARCH_SQL = `SELECT count(*), min(c.seq) FROM audit_chain c LEFT JOIN audit_search s ON s.seq = c.seq
  WHERE c.seq > ? AND c.seq <= ? AND (s.head IS NULL OR substr(c.canon, 1, length(s.head)) IS NOT s.head OR substr(c.canon, length(s.head) + 1, 1) IS NOT x'2c')`;
// Every entry of a range has its docsize row when the range holds as many rows as entries (ids
// are unique). Counted, not joined: the join cost six times as much.
const TEXT_COUNT_SQL = 'SELECT count(*) FROM audit_fts_docsize WHERE id > ? AND id <= ?';
const TEXT_MISSING_SQL = `SELECT min(c.seq) FROM audit_chain c LEFT JOIN audit_fts_docsize d ON d.id = c.seq
  WHERE c.seq > ? AND c.seq <= ? AND d.id IS NULL`;
// d.origin is FTS5's count of index flushes at the time the row went in: the indexer adds entries
// in seq order, so it never decreases along seq. A row rewritten later (UPDATE, or DELETE and
// INSERT, of audit_fts) gets a newer origin than the entry after it.
const ORIGIN_SQL = `SELECT count(*), min(d.id) FROM audit_fts_docsize d JOIN audit_fts_docsize n ON n.id = d.id + 1
  WHERE d.id > ? AND d.id <= ? AND d.origin > n.origin`;

/**
 * The range workers' chunk query: chunkSql's six columns and, joined on the same rows, the search
 * and text rows of those entries — [count of heads, head byte lengths as a comma list, every head
 * concatenated, count of docsize rows, their origins as a comma list]. One statement reads all
 * three: apart, the index rows cost a fifth more. Bounds: after seq, last seq, after seq again.
 *
 * The chunk is a seq range (the CHUNK seqs after the bound), not a LIMIT over a sorted subquery:
 * SQLite then aggregates the join as it walks the chain's rowids, without a co-routine between
 * them (a fifth less to read 1,000,000 entries). The aggregates follow that walk's order, which
 * SQL does not promise: a chunk read in any other order fails entriesIntact, and verify then walks
 * the chain itself, so the order can cost time but never a verdict.
 */
export function indexedChunkSql(): string {
  return `SELECT count(*), min(c.seq), max(c.seq), group_concat(octet_length(c.canon)), CAST(group_concat(c.canon, '') AS BLOB), group_concat(c.hash, ''),
    count(s.head), group_concat(octet_length(s.head)), CAST(group_concat(s.head, '') AS BLOB), count(d.id), group_concat(d.origin)
  FROM audit_chain c LEFT JOIN audit_search s ON s.seq = c.seq LEFT JOIN audit_fts_docsize d ON d.id = c.seq
  WHERE c.seq > ? AND c.seq <= min(?, ? + ${CHUNK})`;
}

/** The last of a comma list of origins when they never decrease from `last` on; -1 when one does. */
export function originsRise(origins: string, last: number): number {
  let prev = last;
  let v = 0;
  for (let i = 0; i <= origins.length; i++) {
    const ch = origins.charCodeAt(i);
    if (ch >= 48 && ch <= 57) v = v * 10 + ch - 48;
    else {
      if (v < prev) return -1;
      prev = v;
      v = 0;
    }
  }
  return prev;
}

export const TEXT_INDEX = "CREATE VIRTUAL TABLE audit_fts USING fts5(message, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')";

export function indexedThrough(db: Database): number {
  return (db.prepare('SELECT indexed_through FROM audit_index_state WHERE id = 1').pluck(true).get() as number | undefined) ?? 0;
}

/** The first entry in afterSeq+1 … lastSeq (only those indexed) whose text rows are wrong or missing; null when none. */
export function firstTextBreak(db: Database, afterSeq: number, lastSeq: number, indexed = indexedThrough(db)): number | null {
  const hi = Math.min(lastSeq, indexed);
  if (hi <= afterSeq) return null;
  const missing = (db.prepare(TEXT_COUNT_SQL).pluck(true).get(afterSeq, hi) as number) !== hi - afterSeq
    ? ((db.prepare(TEXT_MISSING_SQL).pluck(true).get(afterSeq, hi) as number | null) ?? afterSeq + 1)
    : null;
  const [m, rewritten] = db.prepare(ORIGIN_SQL).raw(true).get(afterSeq, hi) as [number, number | null];
  const found = [missing, m ? rewritten : null].filter((x): x is number => x != null);
  return found.length ? Math.min(...found) : null;
}

/** The first entry in afterSeq+1 … lastSeq (only those indexed) whose search or text row is wrong or missing; null when none. */
export function firstIndexBreak(db: Database, afterSeq: number, lastSeq: number, indexed = indexedThrough(db)): number | null {
  const hi = Math.min(lastSeq, indexed);
  if (hi <= afterSeq) return null;
  const [n, first] = db.prepare(SEARCH_SQL).raw(true).get(afterSeq, hi) as [number, number | null];
  const text = firstTextBreak(db, afterSeq, hi, indexed);
  const found = [n ? first : null, text].filter((x): x is number => x != null);
  return found.length ? Math.min(...found) : null;
}

/** The first search row whose head decodes as blanks (cut short, or no array), through the ts index; null when none. */
export function blankHead(db: Database): number | null {
  return (db.prepare('SELECT seq FROM audit_search WHERE ts = 0 ORDER BY seq LIMIT 1').pluck(true).get() as number | undefined) ?? null;
}

/**
 * What is wrong with the index outside the per-entry ranges, named; null when nothing. firstSeq
 * is the first online entry (null: none online).
 */
export function indexOutsideProblem(db: Database, firstSeq: number | null, indexed = indexedThrough(db)): { seq: number; message: string } | null {
  const schema = db.prepare("SELECT name, sql FROM sqlite_schema WHERE name IN ('audit_log', 'audit_search', 'audit_fts')").all() as { name: string; sql: string }[];
  const want: Record<string, string> = { audit_log: LOG_VIEW, audit_search: SEARCH_TABLE, audit_fts: TEXT_INDEX };
  for (const name of Object.keys(want)) {
    const have = schema.find((r) => r.name === name)?.sql;
    if (have !== want[name]) return { seq: 0, message: `${name} is not defined as this program defines it: the entries a filter finds or shows may not be the entries of the chain` };
  }
  const lo = firstSeq ?? indexed + 1;
  for (const [table, col, what] of [['audit_search', 'seq', 'search'], ['audit_fts_docsize', 'id', 'text']] as const) {
    const below = db.prepare(`SELECT ${col} FROM ${table} WHERE ${col} < ? ORDER BY ${col} LIMIT 1`).pluck(true).get(lo) as number | undefined;
    if (below !== undefined) return { seq: below, message: `the ${what} index holds entry ${below}, which is not an online entry of the log` };
    const above = db.prepare(`SELECT ${col} FROM ${table} WHERE ${col} > ? ORDER BY ${col} LIMIT 1`).pluck(true).get(indexed) as number | undefined;
    if (above !== undefined) return { seq: above, message: `the ${what} index holds entry ${above}, but the index state says entries after ${indexed} are not indexed yet` };
  }
  return null;
}

const COLUMNS = ['ts', 'type', 'severity', 'outcome', 'user', 'resource', 'batch_id', 'card_id', 'record_id', 'masked_pan'] as const;

/** Names what is wrong with the index rows of entry seq (found by firstIndexBreak); null when they are right. */
export function describeIndexBreak(db: Database, seq: number): string | null {
  const s = db.prepare(`SELECT head, ${COLUMNS.join(', ')} FROM audit_search WHERE seq = ?`).get(seq) as Record<string, unknown> | undefined;
  const c = db.prepare(`SELECT canon FROM audit_chain WHERE seq = ?`).pluck(true).get(seq) as Buffer | undefined;
  const l = db.prepare(`SELECT ${COLUMNS.join(', ')} FROM audit_log WHERE seq = ?`).get(seq) as Record<string, unknown> | undefined;
  if (!c || !l) return null;
  if (!s) return `the search index has no row for entry ${seq}: a filter would not find it`;
  const head = s.head;
  if (!Buffer.isBuffer(head) || head.length >= c.length || c[head.length] !== 0x2c || !c.subarray(0, head.length).equals(head) || s.ts === 0) {
    const differ = COLUMNS.filter((k) => s[k] !== l[k]);
    return differ.length
      ? `the search index differs from entry ${seq}: ${differ.join(', ')}`
      : `the search index's head of entry ${seq} differs from the entry (no filter column yet)`;
  }
  const origin = db.prepare('SELECT origin FROM audit_fts_docsize WHERE id = ?').pluck(true);
  const own = origin.get(seq) as number | undefined;
  if (own === undefined) return `the text index has no row for entry ${seq}: a text search would not find it`;
  const next = origin.get(seq + 1) as number | undefined;
  if (next !== undefined && own > next) return `the text index row of entry ${seq} was rewritten after later entries were indexed: a text search may not find the entry`;
  return null;
}
