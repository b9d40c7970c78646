import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { sha256HexBytes } from './chain';
import { chunkSql, entriesIntact } from './chunk-check';
import type { RangeAnswer, RangeData } from './worker-messages';

// One range worker of verify (see range-verify.ts): opens its own read-only connection and reads
// and checks the entries afterSeq+1 … lastSeq chunk by chunk. The chunk query is bounded by the
// range's end, and a chunk must start at the seq expected next and hold count consecutive seqs.
// It answers once, "every entry of my range is intact" or not, and never classifies a break.
const { port, state, index, file, afterSeq, lastSeq, prevHash, tagBytes } = workerData as RangeData;
const counters = new Int32Array(state);

type Chunk = [count: number, min: number | null, max: number | null, lengths: string | null, buf: Buffer | null, hashes: string | null];

function checkRange(db: Database.Database): RangeAnswer {
  const startHash = prevHash ?? (db.prepare('SELECT hash FROM audit_chain WHERE seq = ?').pluck(true).get(afterSeq) as string | undefined) ?? null;
  const read = db.prepare(chunkSql(true)).raw(true);
  let prev = startHash;
  let prevPrev: string | null = null;
  let expect = afterSeq + 1;
  let ok = typeof startHash === 'string';
  while (ok && expect <= lastSeq) {
    const [count, min, max, lengths, buf, hashes] = read.get(expect - 1, lastSeq) as Chunk;
    ok = count > 0 && min === expect && max === expect + count - 1 && !!buf && !!lengths && typeof hashes === 'string' && hashes.length === count * 64
      && entriesIntact(buf, lengths, hashes, expect, prev!, tagBytes, sha256HexBytes);
    if (!ok) break;
    prevPrev = count > 1 ? hashes!.slice(-128, -64) : prev;
    prev = hashes!.slice(-64);
    expect += count;
    Atomics.add(counters, 1 + index, count);
    Atomics.add(counters, 0, 1);
    Atomics.notify(counters, 0);
  }
  return { ok: ok && expect === lastSeq + 1, startHash, lastHash: prev, prevLastHash: prevPrev };
}

let answer: RangeAnswer = { ok: false, startHash: null, lastHash: null, prevLastHash: null };
let db: Database.Database | null = null;
try {
  db = new Database(file, { readonly: true, fileMustExist: true });
  answer = checkRange(db);
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
