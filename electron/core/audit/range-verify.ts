import type { Database } from 'better-sqlite3';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { chunkSql, entriesIntact } from './chunk-hasher';

// Reading the entries out of SQLite costs more than hashing them, and one connection reads on one
// thread. So a file-backed log is split into contiguous seq ranges, one per worker thread, and
// each worker opens its own read-only connection and both reads and checks its range (framing,
// seq, link, hash: entriesIntact, the same check the single-thread path runs). A worker's first
// entry must link to the stored hash of the entry just before its range; the caller then proves
// the ranges join: that stored hash is the one the previous worker found intact at its end.
//
// The workers only ever answer "every entry of my range is intact" or "not": they never classify a
// break. Anything short of all ranges intact and joined (a break, a worker that cannot load
// better-sqlite3 or open the file, a stall) returns null, and the caller walks the chain on its own
// connection, which names the first bad entry exactly as before.

/** No progress from any worker for this long: they are taken as stuck and the caller walks alone. */
const STALL_MS = 10_000;
/** Progress is reported at least this often while the workers run. */
const TICK_MS = 100;

export interface RangeStart {
  /** Seq of the entry before the first online one (0 when the log starts online). */
  afterSeq: number;
  /** The hash the first online entry must link to. */
  prevHash: string;
  /** Seq of the newest entry to check. */
  lastSeq: number;
}

export interface RangesIntact {
  headSeq: number;
  headHash: string;
  /** The hash of the entry before the head (a classification input for what comes after). */
  prevHeadHash: string;
}

interface Answer {
  ok: boolean;
  /** The stored hash this range's first entry was checked against (read by the worker, except for the first range). */
  startHash: string | null;
  lastHash: string | null;
  prevLastHash: string | null;
}

// Plain JS run as each worker's script (eval): the chunk query is bounded by the range's end, and
// a chunk must start at the seq expected next and hold count consecutive seqs.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const { port, state, index, sqlitePath, file, afterSeq, lastSeq, prevHash, tagBytes, sql } = workerData;
const counters = new Int32Array(state);
const hex = typeof crypto.hash === 'function' ? (b) => crypto.hash('sha256', b, 'hex') : (b) => crypto.createHash('sha256').update(b).digest('hex');
const entriesIntact = ${entriesIntact.toString()};
let answer = { ok: false, startHash: null, lastHash: null, prevLastHash: null };
let db;
try {
  const Database = require(sqlitePath);
  db = new Database(file, { readonly: true, fileMustExist: true });
  const startHash = prevHash ?? db.prepare('SELECT hash FROM audit_chain WHERE seq = ?').pluck(true).get(afterSeq) ?? null;
  const read = db.prepare(sql).raw(true);
  let prev = startHash;
  let prevPrev = null;
  let expect = afterSeq + 1;
  let ok = typeof startHash === 'string';
  while (ok && expect <= lastSeq) {
    const [count, min, max, lengths, buf, hashes] = read.get(expect - 1, lastSeq);
    ok = count > 0 && min === expect && max === expect + count - 1 && !!buf && !!lengths && typeof hashes === 'string' && hashes.length === count * 64
      && entriesIntact(buf, lengths, hashes, expect, prev, tagBytes, hex) === true;
    if (!ok) break;
    prevPrev = count > 1 ? hashes.slice(-128, -64) : prev;
    prev = hashes.slice(-64);
    expect += count;
    Atomics.add(counters, 1 + index, count);
    Atomics.add(counters, 0, 1);
    Atomics.notify(counters, 0);
  }
  answer = { ok: ok && expect === lastSeq + 1, startHash, lastHash: prev, prevLastHash: prevPrev };
} catch {
  answer.ok = false;
} finally {
  try { db && db.close(); } catch {}
}
port.postMessage(answer);
port.close();
Atomics.add(counters, 0, 1);
Atomics.notify(counters, 0);
`;

function sqliteModulePath(): string | null {
  try {
    // Bundled for Electron this module is CommonJS (__filename); under tsx it is ESM.
    const from = typeof __filename === 'string' ? __filename : import.meta.url;
    return createRequire(from).resolve('better-sqlite3');
  } catch {
    return null;
  }
}

/**
 * Checks the online entries afterSeq+1 … lastSeq in parallel ranges. Null unless every entry is
 * intact and the ranges join; the caller then walks the chain itself to find out why.
 */
export function verifyRanges(db: Database, start: RangeStart, tagBytes: number, onProgress?: (checked: number) => void): RangesIntact | null {
  const total = start.lastSeq - start.afterSeq;
  const sqlitePath = sqliteModulePath();
  // A memory database cannot be opened again, and uncommitted entries are not seen by another connection.
  if (db.memory || db.inTransaction || !db.name || !sqlitePath || total < 2) return null;
  const n = Math.max(2, Math.min(4, availableParallelism()));
  const per = Math.ceil(total / n);
  const counters = new Int32Array(new SharedArrayBuffer(4 * (n + 1)));
  const started: { worker: Worker; port: MessagePort; answer: Answer | null }[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const afterSeq = start.afterSeq + i * per;
      const lastSeq = Math.min(start.lastSeq, afterSeq + per);
      if (afterSeq >= lastSeq) break;
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        execArgv: [],
        workerData: { port: port2, state: counters.buffer, index: i, sqlitePath, file: db.name, afterSeq, lastSeq, prevHash: i === 0 ? start.prevHash : null, tagBytes, sql: chunkSql(true) },
        transferList: [port2],
      });
      worker.unref();
      // A worker that dies is noticed by its silence; its error event must not crash the station.
      worker.on('error', () => {});
      started.push({ worker, port: port1, answer: null });
    }
    let seen = Atomics.load(counters, 0);
    let lastMove = Date.now();
    let reported = -1;
    for (;;) {
      for (const s of started) {
        const got = s.answer ? null : receiveMessageOnPort(s.port);
        if (got) s.answer = got.message as Answer;
      }
      let checked = 0;
      for (let i = 0; i < started.length; i++) checked += Atomics.load(counters, 1 + i);
      if (checked !== reported) {
        reported = checked;
        onProgress?.(checked);
      }
      if (started.some((s) => s.answer && !s.answer.ok)) return null;
      if (started.every((s) => s.answer)) break;
      if (Atomics.wait(counters, 0, seen, TICK_MS) !== 'timed-out') lastMove = Date.now();
      else if (Date.now() - lastMove > STALL_MS) return null;
      seen = Atomics.load(counters, 0);
    }
    const answers = started.map((s) => s.answer!);
    // Each range after the first began from the stored hash of the entry before it; the range that
    // ends with that entry found this same hash intact.
    for (let i = 1; i < answers.length; i++) if (answers[i].startHash !== answers[i - 1].lastHash) return null;
    const last = answers[answers.length - 1];
    if (!last.lastHash || !last.prevLastHash) return null;
    return { headSeq: start.lastSeq, headHash: last.lastHash, prevHeadHash: last.prevLastHash };
  } catch {
    return null;
  } finally {
    for (const s of started) {
      s.port.close();
      void s.worker.terminate();
    }
  }
}
