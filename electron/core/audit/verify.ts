import type { Database } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readArchiveFile } from './archive-file';
import { CHAIN_COLUMNS, CHAIN_TAG, GENESIS_HASH, sha256Hex, sha256HexBytes } from './chain';
import type { ChainProblem, VerifyOptions, VerifyResult } from './types';

// Walks the chain in seq order and names the first entry that breaks it. How a break is
// classified (a hand edit leaves a recognisable trace):
// - a seq is missing                          → 'removed' (the missing seq)
// - the link is right but the content is not  → 'changed', or 'inserted' when the next entry
//                                                links to the same predecessor (it was written
//                                                around this one)
// - the link skips back to the one before     → 'inserted' (the entry in between)
// - the link points to an entry further on    → 'reordered'
// - the link points nowhere                   → 'removed' (an entry before it was taken out and
//                                                the rest renumbered, or the link was altered)

const CHUNK = 10_000;

interface State {
  expectSeq: number;
  prevHash: string;
  prevPrevHash: string | null;
}

interface Lookups {
  /** Seq of the entry whose stored hash is h, if any. */
  seqOfHash(h: string): number | null;
  /** prev_hash of the entry right after seq, if any. */
  prevHashAfter(seq: number): string | null;
}

type Failure = { ok: false; firstBadSeq: number; problem: ChainProblem; message: string };

function fail(firstBadSeq: number, problem: ChainProblem, message: string): Failure {
  return { ok: false, firstBadSeq, problem, message };
}

// SQLite's json_array() renders a row exactly as JSON.stringify does in append (integers, null,
// and the same string escapes; strings are well-formed UTF-16 by then), so the database builds
// the canonical text. Reading the rows out is what dominates verify, so a chunk comes back as one
// row: the hashed bytes of every entry (tag + JSON + '\n', a newline never occurring unescaped in
// JSON) as one BLOB, and the stored hashes and links each as one string. JavaScript then hashes
// slices of that buffer (no per-row strings, no UTF-8 re-encoding) and checks the whole chunk's
// sequence and links with two comparisons. Only a chunk that fails any of this is walked again
// entry by entry (CANON_SQL, checkRow), which names the first bad entry; so the fast path never
// has to classify anything, and it never relies on the order group_concat happens to use.
const CHUNK_SQL = `SELECT count(*), min(seq), max(seq), CAST(group_concat(canon, '') AS BLOB), group_concat(hash, ''), group_concat(prev_hash, '')
  FROM (SELECT seq, ? || json_array(${CHAIN_COLUMNS.join(', ')}) || char(10) AS canon, hash, prev_hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ${CHUNK})`;
const CANON_SQL = `SELECT hash, json_array(${CHAIN_COLUMNS.join(', ')}) FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ${CHUNK}`;
const TAG_BYTES = Buffer.byteLength(CHAIN_TAG);
const NL = 0x0a;

type Chunk = [count: number, minSeq: number | null, maxSeq: number | null, canon: Buffer | null, hashes: string | null, prevs: string | null];

/** True when every entry of the chunk is in sequence after st, links to the one before and matches its hash. */
function chunkIntact(c: Chunk, st: State): boolean {
  const [count, min, max, buf, hashes, prevs] = c;
  if (min !== st.expectSeq || max !== st.expectSeq + count - 1 || !buf || hashes?.length !== count * 64) return false;
  if (prevs !== st.prevHash + hashes.slice(0, -64)) return false;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const end = buf.indexOf(NL, pos + TAG_BYTES);
    if (end < 0 || !hashes.startsWith(sha256HexBytes(buf.subarray(pos, end)), i * 64)) return false;
    pos = end + 1;
  }
  return pos === buf.length;
}

/** Checks one entry given its seq, stored links and canonical JSON text. */
function checkRow(seq: number, prev: string, stored: string, canon: string, st: State, look: Lookups): Failure | null {
  if (seq !== st.expectSeq) {
    if (seq > st.expectSeq) {
      const what = st.expectSeq === seq - 1 ? `entry ${st.expectSeq} is missing` : `entries ${st.expectSeq}–${seq - 1} are missing`;
      return fail(st.expectSeq, 'removed', `${what}: entry ${seq} follows entry ${st.expectSeq - 1}`);
    }
    return fail(seq, 'inserted', `entry ${seq} appears again after entry ${st.expectSeq - 1}`);
  }
  const contentOk = sha256Hex(CHAIN_TAG + canon) === stored;
  if (prev === st.prevHash) {
    if (contentOk) {
      st.prevPrevHash = st.prevHash;
      st.prevHash = stored;
      st.expectSeq = seq + 1;
      return null;
    }
    if (look.prevHashAfter(seq) === st.prevHash) {
      return fail(seq, 'inserted', `entry ${seq} was not written by the log: the entry after it links directly to entry ${seq - 1}`);
    }
    return fail(seq, 'changed', `entry ${seq} was changed after it was written: its content no longer matches its hash`);
  }
  if (st.prevPrevHash != null && prev === st.prevPrevHash) {
    return fail(seq - 1, 'inserted', `entry ${seq - 1} was inserted: entry ${seq} links past it to entry ${seq - 2}`);
  }
  const target = look.seqOfHash(prev);
  if (target != null) {
    return fail(seq, 'reordered', `entry ${seq} is out of order: it links to the entry now at seq ${target} instead of entry ${seq - 1}`);
  }
  return fail(seq, 'removed', `the entry before ${seq} is missing or the link of entry ${seq} was altered: it does not link to entry ${seq - 1}`);
}

interface ArchiveRow {
  file: string;
  first_seq: number;
  last_seq: number;
  first_prev_hash: string;
  last_hash: string;
  entries: number;
  sha256: string;
  purged_at: number | null;
}

export function verifyAudit(db: Database, opts: VerifyOptions = {}): VerifyResult {
  const archives = db.prepare('SELECT file, first_seq, last_seq, first_prev_hash, last_hash, entries, sha256, purged_at FROM audit_archive ORDER BY first_seq').all() as ArchiveRow[];
  const online = (db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
  const st: State = { expectSeq: 1, prevHash: GENESIS_HASH, prevPrevHash: null };
  let done = 0;
  let firstSeq: number | null = null;
  let archivedFiles = 0;

  if (opts.archiveDir) {
    const live = archives.filter((a) => a.purged_at == null);
    const total = online + live.reduce((s, a) => s + a.entries, 0);
    for (const a of archives) {
      if (a.purged_at != null) {
        // Expired after keepDays and deleted on purpose: the chain restarts at the next file.
        Object.assign(st, { expectSeq: a.last_seq + 1, prevHash: a.last_hash, prevPrevHash: null });
        continue;
      }
      const path = join(opts.archiveDir, a.file);
      if (!existsSync(path)) return fail(a.first_seq, 'removed', `archive file ${a.file} (entries ${a.first_seq}–${a.last_seq}) is missing`);
      let rows: unknown[][];
      try {
        rows = readArchiveFile(path).rows;
      } catch (e) {
        return fail(a.first_seq, 'changed', `archive file ${a.file} (entries ${a.first_seq}–${a.last_seq}) cannot be read: ${(e as Error).message}`);
      }
      const look = memoryLookups(rows);
      for (const r of rows) {
        if ((r[0] as number) > a.last_seq) return fail(r[0] as number, 'inserted', `archive file ${a.file} holds entry ${r[0]} beyond its recorded last entry ${a.last_seq}`);
        firstSeq ??= r[0] as number;
        const bad = checkRow(r[0] as number, r[14] as string, r[15] as string, JSON.stringify(r.slice(0, 15)), st, look);
        if (bad) return { ...bad, message: `${bad.message} (archive file ${a.file})` };
      }
      if (st.expectSeq !== a.last_seq + 1) return fail(st.expectSeq, 'removed', `archive file ${a.file} ends at entry ${st.expectSeq - 1} but should hold entries up to ${a.last_seq}`);
      if (st.prevHash !== a.last_hash) return fail(a.last_seq, 'changed', `archive file ${a.file} does not end with the hash recorded for it in the database`);
      done += rows.length;
      archivedFiles++;
      opts.onProgress?.(done, total);
    }
    return verifyOnline(total);
  }
  const cp = archives[archives.length - 1];
  if (cp) Object.assign(st, { expectSeq: cp.last_seq + 1, prevHash: cp.last_hash });
  return verifyOnline(online);

  function verifyOnline(total: number): VerifyResult {
    const chunks = db.prepare(CHUNK_SQL).raw(true);
    const page = db.prepare(CANON_SQL).raw(true);
    const look = dbLookups(db);
    let after = -1;
    let n = 0;
    for (;;) {
      const c = chunks.get(CHAIN_TAG, after) as Chunk;
      if (!c[0]) break;
      firstSeq ??= c[1];
      if (chunkIntact(c, st)) {
        const hashes = c[4] as string;
        st.prevPrevHash = c[0] > 1 ? hashes.slice(-128, -64) : st.prevHash;
        st.prevHash = hashes.slice(-64);
        st.expectSeq += c[0];
      } else {
        const bad = walkChunk(page.all(after) as unknown[][]);
        if (bad) return bad;
      }
      after = st.expectSeq - 1;
      n += c[0];
      opts.onProgress?.(done + n, total);
    }
    return { ok: true, count: done + n, firstSeq, headSeq: st.expectSeq > 1 ? st.expectSeq - 1 : null, headHash: st.prevHash, archivedFiles };

    function walkChunk(rows: unknown[][]): Failure | null {
      for (const r of rows) {
        const stored = r[0] as string;
        const canon = r[1] as string;
        const fields = JSON.parse(canon) as unknown[];
        const bad = checkRow(fields[0] as number, fields[14] as string, stored, canon, st, look);
        if (bad) return bad;
      }
      return null;
    }
  }
}

function dbLookups(db: Database): Lookups {
  return {
    seqOfHash: (h) => (db.prepare('SELECT seq FROM audit_log WHERE hash = ? LIMIT 1').get(h) as { seq: number } | undefined)?.seq ?? null,
    prevHashAfter: (seq) => (db.prepare('SELECT prev_hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 1').get(seq) as { prev_hash: string } | undefined)?.prev_hash ?? null,
  };
}

function memoryLookups(rows: unknown[][]): Lookups {
  return {
    seqOfHash: (h) => (rows.find((r) => r[15] === h)?.[0] as number | undefined) ?? null,
    prevHashAfter: (seq) => (rows.find((r) => (r[0] as number) > seq)?.[14] as string | undefined) ?? null,
  };
}
