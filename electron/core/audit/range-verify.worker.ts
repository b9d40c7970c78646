import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { sha256HexBytes } from './chain';
import { entriesIntact } from './chunk-check';
import { indexedChunkSql, indexedThrough, originsRise } from './index-check';
import { firstWrongHead } from './search-head';
import type { RangeAnswer, RangeData } from './worker-messages';

// One range worker of verify (see range-verify.ts): opens its own read-only connection and reads
// and checks the entries afterSeq+1 … lastSeq chunk by chunk. The chunk query is bounded by the
// range's end, and a chunk must start at the seq expected next and hold count consecutive seqs.
// It answers once, "every entry of my range is intact" or not, and never classifies a break.
// In the same read transaction (so the index state and the index agree) and the same query it
// reads each chunk's search and text rows, checks the heads against the bytes it has just hashed
// and the text rows' presence and order (index-check.ts), and answers the first entry (or chunk)
// whose rows are wrong: the caller names the entry.
const { port, state, index, file, afterSeq, lastSeq, prevHash, tagBytes } = workerData as RangeData;
const counters = new Int32Array(state);

type Chunk = [count: number, min: number | null, max: number | null, lengths: string | null, buf: Buffer | null, hashes: string | null,
  heads: number, headLengths: string | null, headBuf: Buffer | null, texts: number, origins: string | null];

function checkRange(db: Database.Database): RangeAnswer {
  const startHash = prevHash ?? (db.prepare('SELECT hash FROM audit_chain WHERE seq = ?').pluck(true).get(afterSeq) as string | undefined) ?? null;
  const read = db.prepare(indexedChunkSql()).raw(true);
  let prev = startHash;
  let prevPrev: string | null = null;
  let expect = afterSeq + 1;
  const indexed = indexedThrough(db);
  let lastOrigin = 0;
  let indexBreak: number | null = null;
  let ok = typeof startHash === 'string';
  while (ok && expect <= lastSeq) {
    const [count, min, max, lengths, buf, hashes, heads, headLengths, headBuf, texts, origins] = read.get(expect - 1, lastSeq, expect - 1) as Chunk;
    ok = count > 0 && min === expect && max === expect + count - 1 && !!buf && !!lengths && typeof hashes === 'string' && hashes.length === count * 64
      && entriesIntact(buf, lengths, hashes, expect, prev!, tagBytes, sha256HexBytes);
    if (!ok) break;
    const hi = Math.min(expect + count - 1, indexed);
    if (indexBreak == null && hi >= expect) {
      // The indexed entries come first in the chunk: index rows of the others are the caller's
      // check (none may exist). A missing row shifts every list after it, so a count that is short
      // names the chunk, and the caller's SQL form finds the entry from there.
      const n = hi - expect + 1;
      const wrong = heads !== n || !headLengths || !headBuf ? 0 : firstWrongHead(buf!, lengths!, headBuf, headLengths, n);
      if (wrong >= 0) indexBreak = expect + (heads === n ? wrong : 0);
      else if (texts !== n || !origins || (lastOrigin = originsRise(origins, lastOrigin)) < 0) indexBreak = expect;
    }
    prevPrev = count > 1 ? hashes!.slice(-128, -64) : prev;
    prev = hashes!.slice(-64);
    expect += count;
    Atomics.add(counters, 1 + index, count);
    Atomics.add(counters, 0, 1);
    Atomics.notify(counters, 0);
  }
  ok &&= expect === lastSeq + 1;
  // The order of text rows across the end of the range (the next range starts its own).
  if (ok && indexBreak == null && lastSeq < indexed) {
    const next = db.prepare('SELECT origin FROM audit_fts_docsize WHERE id = ?').pluck(true).get(lastSeq + 1) as number | undefined;
    if (next !== undefined && next < lastOrigin) indexBreak = lastSeq;
  }
  return { ok, startHash, lastHash: prev, prevLastHash: prevPrev, indexBreak };
}

let answer: RangeAnswer = { ok: false, startHash: null, lastHash: null, prevLastHash: null, indexBreak: null };
let db: Database.Database | null = null;
try {
  db = new Database(file, { readonly: true, fileMustExist: true });
  db.exec('BEGIN');
  answer = checkRange(db);
  db.exec('COMMIT');
} catch {
  answer.ok = false;
} finally {
  try {
    db?.close();
  } catch {
    // Nothing was written; the answer stands.
  }
}
port.postMessage(answer);
port.close();
Atomics.add(counters, 0, 1);
Atomics.notify(counters, 0);
