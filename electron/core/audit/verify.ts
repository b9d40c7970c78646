import type { Database } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readArchiveFile } from './archive-file';
import { CHUNK, chunkSql, entriesIntact } from './chunk-check';
import { ChunkHasher } from './chunk-hasher';
import { verifyRanges } from './range-verify';
import { CHAIN_TAG, decodeCanon, GENESIS_HASH, sha256Hex, sha256HexBytes } from './chain';
import { anchorDate, storeActivity } from './anchor';
import { blankHead, describeIndexBreak, firstIndexBreak, indexOutsideProblem } from './index-check';
import type { AnchorRef, ChainProblem, VerifyOptions, VerifyResult } from './types';

// Walks the chain in seq order and names the first entry that breaks it. How a break is
// classified (a hand edit leaves a recognisable trace):
// - a seq is missing                          → 'removed', or 'reordered' when it comes later
//                                                (archive lines swapped)
// - the link is right but the content is not  → 'changed', or 'inserted' when the next entry
//                                                links to the same predecessor (it was written
//                                                around this one) or, for the newest entry, when
//                                                no anchor names its hash (a made-up hash)
// - the link skips back to the one before     → 'inserted' (the entry in between)
// - the link points to an entry further on    → 'reordered'
// - the link points nowhere                   → 'inserted' when the next entry links to the one
//                                                before (a made-up entry), else 'removed' (an
//                                                entry before it was taken out and the rest
//                                                renumbered, or the link was altered)

/** Online entries below which starting a hashing worker costs more than it saves. */
const PARALLEL_MIN = 30_000;
/**
 * Chunks handed to the worker and not yet answered (each holds its canon bytes, ~270 KB): enough
 * that neither thread waits for the other when one of them is briefly slower.
 */
const IN_FLIGHT = 8;

interface State {
  expectSeq: number;
  prevHash: string;
  prevPrevHash: string | null;
}

interface Lookups {
  /** Seq of the entry whose stored hash is h, if any. */
  seqOfHash(h: string): number | null;
  /** prev_hash of the entry right after seq, if any; undefined when no entry follows it. */
  prevHashAfter(seq: number): string | null | undefined;
  /** Whether an entry numbered seq comes later (an archive file is read in its own line order). */
  comesLater(seq: number): boolean;
  /** The hash anchored outside the chain for seq (head file, sign-off), if any. */
  anchoredHash(seq: number): string | null;
}

type Failure = { ok: false; firstBadSeq: number; problem: ChainProblem; message: string };

function fail(firstBadSeq: number, problem: ChainProblem, message: string): Failure {
  return { ok: false, firstBadSeq, problem, message };
}

// Chain v2 stores each entry as the exact bytes it was hashed over (audit_chain.canon: tag + JSON
// array), and the visible columns are a view decoding those bytes, so proving the chain over
// canon proves what every reader sees. Reading is what dominates verify, so a chunk comes back as
// one row: every canon concatenated into one BLOB with their byte lengths, and the stored hashes as
// one string. entriesIntact (chunk-check.ts) hashes slices of the buffer (no per-row strings, no
// UTF-8 re-encoding) and checks on the bytes that each canon begins with its own seq and ends with
// `,"<link>"]`, its link being the stored hash before it. From 3 chunks on, that runs in a worker
// thread while this one reads the next chunk. Only a chunk that fails any of this is walked again
// entry by entry (PAGE_SQL, checkRow), which names the first bad entry; so the fast path never has
// to classify anything, and it never relies on the order group_concat happens to use.
// A file-backed log of PARALLEL_MIN entries or more is first checked by range-verify.ts: worker
// threads with their own connections read and check disjoint seq ranges at once (reading is what
// dominates). Only when that proves every entry does this walk skip to the head; otherwise it runs
// from the start as below.
const CHUNK_SQL = chunkSql(false);
const PAGE_SQL = `SELECT seq, canon, hash FROM audit_chain WHERE seq > ? ORDER BY seq LIMIT ${CHUNK}`;
const TAG_BYTES = Buffer.byteLength(CHAIN_TAG);

type Chunk = [count: number, minSeq: number | null, maxSeq: number | null, lengths: string | null, canon: Buffer | null, hashes: string | null];

/** Does the chunk hold the entries that come next after st, by count and seq range? (entriesIntact checks each one.) */
function chunkInSequence(c: Chunk, st: State): boolean {
  const [count, min, max, lengths, buf, hashes] = c;
  return min === st.expectSeq && max === st.expectSeq + count - 1 && !!buf && !!lengths && hashes?.length === count * 64;
}

/** Checks one entry given its seq (its position), its link and whether its content matches its hash. */
function checkRow(seq: number, prev: string | null, stored: string, contentOk: boolean, st: State, look: Lookups): Failure | null {
  if (seq !== st.expectSeq) {
    if (seq > st.expectSeq && look.comesLater(st.expectSeq)) {
      return fail(st.expectSeq, 'reordered', `entries ${st.expectSeq} and ${seq} are swapped: entry ${seq} comes before entry ${st.expectSeq}`);
    }
    if (seq > st.expectSeq) {
      const what = st.expectSeq === seq - 1 ? `entry ${st.expectSeq} is missing` : `entries ${st.expectSeq}–${seq - 1} are missing`;
      return fail(st.expectSeq, 'removed', `${what}: entry ${seq} follows entry ${st.expectSeq - 1}`);
    }
    return fail(seq, 'inserted', `entry ${seq} appears again after entry ${st.expectSeq - 1}`);
  }
  // Stored bytes that no longer decode have lost their link too: that is a change, not a removal.
  if (prev === st.prevHash || prev == null) {
    if (contentOk) {
      st.prevPrevHash = st.prevHash;
      st.prevHash = stored;
      st.expectSeq = seq + 1;
      return null;
    }
    const next = look.prevHashAfter(seq);
    if (next === st.prevHash) {
      return fail(seq, 'inserted', `entry ${seq} was not written by the log: the entry after it links directly to entry ${seq - 1}`);
    }
    // The newest entry: nothing after it vouches for its hash, only an anchor can. Anchored, it
    // was written by the log and changed since; not anchored, its hash is made up.
    const anchored = look.anchoredHash(seq);
    if (next === undefined && anchored !== stored) {
      return fail(seq, 'inserted', `entry ${seq} was not written by the log: its hash does not match its content, and neither a later entry nor an anchor of the head names that hash`);
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
  if (look.prevHashAfter(seq) === st.prevHash) {
    return fail(seq, 'inserted', `entry ${seq} was not written by the log: its link is made up, and the entry after it links directly to entry ${seq - 1}`);
  }
  return fail(seq, 'removed', `the entry before ${seq} is missing or the link of entry ${seq} was altered: it does not link to entry ${seq - 1}`);
}

/** An entry as stored: its link, and whether its bytes hash to its stored hash and hold its own seq. */
function storedEntry(seq: number, canon: unknown, stored: string): { prev: string | null; contentOk: boolean } {
  const bytes = Buffer.isBuffer(canon) ? canon : Buffer.from(String(canon), 'utf8');
  const d = decodeCanon(bytes);
  if (!d) return { prev: null, contentOk: false };
  const prev = typeof d.row[14] === 'string' ? (d.row[14] as string) : null;
  return { prev, contentOk: prev != null && d.row[0] === seq && sha256HexBytes(bytes) === stored };
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

/** What the chain walk learnt for the index check: the online seqs, and what the range workers already checked. */
interface IndexScope {
  minSeq: number | null;
  maxSeq: number | null;
  /** Entries up to this seq had their index rows checked by the range workers. */
  checkedThrough: number;
  workerBreak: number | null;
}

export function verifyAudit(db: Database, opts: VerifyOptions = {}): VerifyResult {
  const archivedHashes = new Map<number, string>();
  const scope: IndexScope = { minSeq: null, maxSeq: null, checkedThrough: 0, workerBreak: null };
  const r = verifyChain(db, opts, new Set((opts.anchors ?? []).map((a) => a.seq)), archivedHashes, scope);
  if (!r.ok) return r;
  const result = checkStore(db, r, opts, archivedHashes);
  if (!result.ok) return result;
  return checkIndex(db, scope) ?? result;
}

/**
 * The chain is intact: the search and text indexes must hold exactly the online entries the
 * indexer has reached, each as it is in the chain (index-check.ts).
 */
function checkIndex(db: Database, scope: IndexScope): Failure | null {
  const outside = indexOutsideProblem(db, scope.minSeq);
  if (outside) return fail(outside.seq, 'index', outside.message);
  if (scope.minSeq == null || scope.maxSeq == null) return null;
  // A worker names the chunk where its rows first go wrong; the SQL form finds the entry from there.
  const from = scope.workerBreak != null ? scope.workerBreak - 1 : Math.max(scope.checkedThrough, scope.minSeq - 1);
  const blank = blankHead(db);
  const found = [firstIndexBreak(db, from, scope.maxSeq), blank].filter((x): x is number => x != null);
  if (!found.length && scope.workerBreak == null) return null;
  const seq = found.length ? Math.min(...found) : scope.workerBreak!;
  const message = describeIndexBreak(db, seq) ?? (seq === blank ? `the search index's head of entry ${seq} is cut short: a filter would not find the entry` : `the index rows of entry ${seq} differ from the entry`);
  return fail(seq, 'index', message);
}

function checkStore(db: Database, r: Extract<VerifyResult, { ok: true }>, opts: VerifyOptions, archivedHashes: Map<number, string>): VerifyResult {
  const anchored = checkAnchors(db, r, opts.anchors ?? [], archivedHashes);
  if (anchored.ok && r.count === 0 && r.headSeq == null) {
    // Nothing in the chain and no anchor: the store says whether there should have been.
    const a = storeActivity(db);
    if (a.batches || a.cards || a.signoffs) {
      return fail(1, 'removed', `the log holds no entries, but the store holds ${a.batches} batches, ${a.cards} cards and ${a.signoffs} sign-offs: the log was emptied`);
    }
  }
  return anchored;
}

/**
 * The chain must reach every anchor and hold the anchored hash at its seq. The newest anchor is
 * checked first, so a truncation is named with the most that is missing.
 */
function checkAnchors(db: Database, r: Extract<VerifyResult, { ok: true }>, anchors: readonly AnchorRef[], archivedHashes: Map<number, string>): VerifyResult {
  const sorted = [...anchors].sort((a, b) => b.seq - a.seq || b.at - a.at);
  const head = r.headSeq ?? 0;
  const online = db.prepare('SELECT hash FROM audit_chain WHERE seq = ?').pluck(true);
  const checkpoint = db.prepare('SELECT last_hash FROM audit_archive WHERE last_seq = ?').pluck(true);
  for (const a of sorted) {
    const when = `${anchorDate(a.at)} (${a.source})`;
    if (a.seq > head) {
      const what = a.seq === head + 1 ? `entry ${a.seq} is missing` : `entries ${head + 1}–${a.seq} are missing`;
      const ends = head ? `the log ends at entry ${head}` : 'the log holds no entries';
      return fail(head + 1, 'removed', `${what}: the head was anchored at ${a.seq} on ${when}, and ${ends}`);
    }
    const have = (online.get(a.seq) as string | undefined) ?? archivedHashes.get(a.seq) ?? (checkpoint.get(a.seq) as string | undefined);
    // An anchor inside an archive that was not read (no archiveDir) cannot be compared here.
    if (have !== undefined && have !== a.hash) {
      return fail(a.seq, 'changed', `entry ${a.seq} is not the entry anchored there on ${when}: the log was rewritten from there or before`);
    }
  }
  return { ...r, anchor: sorted[0] ?? null };
}

function verifyChain(db: Database, opts: VerifyOptions, anchorSeqs: Set<number>, archivedHashes: Map<number, string>, scope: IndexScope): Extract<VerifyResult, { ok: true }> | Failure {
  const archives = db.prepare('SELECT file, first_seq, last_seq, first_prev_hash, last_hash, entries, sha256, purged_at FROM audit_archive ORDER BY first_seq').all() as ArchiveRow[];
  // How many entries are online, from the seq range (two index probes): count(*) walks every page
  // of the table, an eighth of a whole verify on its own before any entry is checked. It only sizes
  // the progress total and chooses the parallel path; a seq missing from the range is what the
  // walk reports.
  const minSeq = db.prepare('SELECT min(seq) FROM audit_chain').pluck(true).get() as number | null;
  const maxSeq = db.prepare('SELECT max(seq) FROM audit_chain').pluck(true).get() as number | null;
  const online = minSeq == null || maxSeq == null ? 0 : maxSeq - minSeq + 1;
  Object.assign(scope, { minSeq, maxSeq });
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
      const look = memoryLookups(rows, opts.anchors ?? []);
      for (const r of rows) {
        if ((r[0] as number) > a.last_seq) return fail(r[0] as number, 'inserted', `archive file ${a.file} holds entry ${r[0]} beyond its recorded last entry ${a.last_seq}`);
        firstSeq ??= r[0] as number;
        const contentOk = sha256Hex(CHAIN_TAG + JSON.stringify(r.slice(0, 15))) === r[15];
        const bad = checkRow(r[0] as number, r[14] as string, r[15] as string, contentOk, st, look);
        if (bad) return { ...bad, message: `${bad.message} (archive file ${a.file})` };
        if (anchorSeqs.has(r[0] as number)) archivedHashes.set(r[0] as number, r[15] as string);
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

  function verifyOnline(total: number): Extract<VerifyResult, { ok: true }> | Failure {
    let after = -1;
    if (online >= PARALLEL_MIN) {
      const from = st.expectSeq - 1;
      const intact = verifyRanges(db, { afterSeq: from, prevHash: st.prevHash, lastSeq: maxSeq! }, TAG_BYTES, (k) => opts.onProgress?.(done + k, total));
      if (intact) {
        // Everything up to lastSeq is proven; the walk below only takes what was appended since.
        firstSeq ??= from + 1;
        Object.assign(st, { expectSeq: intact.headSeq + 1, prevHash: intact.headHash, prevPrevHash: intact.prevHeadHash });
        Object.assign(scope, { checkedThrough: intact.headSeq, workerBreak: intact.indexBreak });
        done += intact.headSeq - from;
        after = intact.headSeq;
      }
    }
    const hasher = after < 0 && online >= PARALLEL_MIN ? ChunkHasher.start() : null;
    try {
      return walkOnline(total, hasher, after);
    } finally {
      hasher?.close();
    }
  }

  // With a hasher, a chunk that holds the next seqs is handed to the worker (which checks each
  // entry) and the state moves on as if it were intact, so the next chunk can be read meanwhile;
  // the answers are taken in order, at most IN_FLIGHT chunks behind. A chunk found wrong puts the
  // state back to where that chunk began and is walked entry by entry, exactly as without a
  // worker, so the first bad entry and its classification do not depend on the worker.
  function walkOnline(total: number, hasher: ChunkHasher | null, from: number): Extract<VerifyResult, { ok: true }> | Failure {
    const chunks = db.prepare(CHUNK_SQL).raw(true);
    const page = db.prepare(PAGE_SQL).raw(true);
    const look = dbLookups(db, opts.anchors ?? []);
    const pending: { id: number; after: number; count: number; start: State }[] = [];
    let after = from;
    let n = 0;
    let id = 0;
    for (;;) {
      if (pending.length >= IN_FLIGHT) {
        const bad = settleOldest();
        if (bad) return bad;
        continue;
      }
      const c = chunks.get(after) as Chunk;
      if (!c[0]) {
        if (!pending.length) break;
        const bad = settleOldest();
        if (bad) return bad;
        continue;
      }
      firstSeq ??= c[1];
      const inSequence = chunkInSequence(c, st);
      const [count, , , lengths, buf, hashes] = c as [number, number, number, string, Buffer, string];
      if (inSequence && hasher && hasher.send(id, buf, lengths, hashes, st.expectSeq, st.prevHash, TAG_BYTES)) {
        pending.push({ id: id++, after, count, start: { ...st } });
        advance(count, hashes);
        after = st.expectSeq - 1;
        continue;
      }
      if (pending.length) {
        // Settled first (a break in an earlier chunk comes first); this chunk is read again after.
        const bad = settleOldest();
        if (bad) return bad;
        continue;
      }
      if (inSequence && entriesIntact(buf, lengths, hashes, st.expectSeq, st.prevHash, TAG_BYTES, sha256HexBytes)) advance(count, hashes);
      else {
        const bad = walkChunk(page.all(after) as unknown[][]);
        if (bad) return bad;
      }
      after = st.expectSeq - 1;
      settled(count);
    }
    return { ok: true, count: done + n, firstSeq, headSeq: st.expectSeq > 1 ? st.expectSeq - 1 : null, headHash: st.prevHash, archivedFiles };

    function settleOldest(): Failure | null {
      const p = pending.shift()!;
      const ok = hasher!.result(p.id);
      if (ok) {
        settled(p.count);
        return null;
      }
      // Wrong (walked here) or the worker stalled (checked on this thread from now on): either way
      // from where this chunk began, and the chunks read after it are read again.
      if (ok === null) hasher = null;
      Object.assign(st, p.start);
      pending.length = 0;
      after = p.after;
      if (ok === false) {
        const bad = walkChunk(page.all(after) as unknown[][]);
        if (bad) return bad;
        after = st.expectSeq - 1;
        settled(p.count);
      }
      return null;
    }

    function advance(count: number, hashes: string): void {
      st.prevPrevHash = count > 1 ? hashes.slice(-128, -64) : st.prevHash;
      st.prevHash = hashes.slice(-64);
      st.expectSeq += count;
    }

    function settled(count: number): void {
      n += count;
      opts.onProgress?.(done + n, total);
    }

    function walkChunk(rows: unknown[][]): Failure | null {
      for (const [seq, canon, stored] of rows as [number, unknown, string][]) {
        const e = storedEntry(seq, canon, stored);
        const bad = checkRow(seq, e.prev, stored, e.contentOk, st, look);
        if (bad) return bad;
      }
      return null;
    }
  }
}

function dbLookups(db: Database, anchors: readonly AnchorRef[]): Lookups {
  return {
    comesLater: () => false,
    anchoredHash: (seq) => anchors.find((a) => a.seq === seq)?.hash ?? null,
    seqOfHash: (h) => (db.prepare('SELECT seq FROM audit_chain WHERE hash = ? LIMIT 1').get(h) as { seq: number } | undefined)?.seq ?? null,
    prevHashAfter: (seq) => {
      const r = db.prepare('SELECT seq, canon, hash FROM audit_chain WHERE seq > ? ORDER BY seq LIMIT 1').get(seq) as { seq: number; canon: unknown; hash: string } | undefined;
      return r ? storedEntry(r.seq, r.canon, r.hash).prev : undefined;
    },
  };
}

function memoryLookups(rows: unknown[][], anchors: readonly AnchorRef[]): Lookups {
  return {
    seqOfHash: (h) => (rows.find((r) => r[15] === h)?.[0] as number | undefined) ?? null,
    prevHashAfter: (seq) => {
      const r = rows.find((x) => (x[0] as number) > seq);
      return r ? ((r[14] as string | undefined) ?? null) : undefined;
    },
    comesLater: (seq) => rows.some((r) => r[0] === seq),
    anchoredHash: (seq) => anchors.find((a) => a.seq === seq)?.hash ?? null,
  };
}
