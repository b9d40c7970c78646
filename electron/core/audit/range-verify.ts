import type { Database } from 'better-sqlite3';
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { startWorker } from '../workers/worker-start';
import type { RangeAnswer, RangeData } from './worker-messages';

// Reading the entries out of SQLite costs more than hashing them, and one connection reads on one
// thread. So a file-backed log is split into contiguous seq ranges, one per worker thread
// (range-verify.worker.ts), and each worker opens its own read-only connection and both reads and checks its range (framing,
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
  /** The first entry whose search or text index rows are wrong, if any (index-check.ts). */
  indexBreak: number | null;
}

/**
 * Checks the online entries afterSeq+1 … lastSeq in parallel ranges. Null unless every entry is
 * intact and the ranges join; the caller then walks the chain itself to find out why.
 */
export function verifyRanges(db: Database, start: RangeStart, tagBytes: number, onProgress?: (checked: number) => void): RangesIntact | null {
  const total = start.lastSeq - start.afterSeq;
  // A memory database cannot be opened again, and uncommitted entries are not seen by another connection.
  if (db.memory || db.inTransaction || !db.name || total < 2) return null;
  const n = Math.max(2, Math.min(4, availableParallelism()));
  const per = Math.ceil(total / n);
  const counters = new Int32Array(new SharedArrayBuffer(4 * (n + 1)));
  const started: { worker: Worker; port: MessagePort; answer: RangeAnswer | null }[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const afterSeq = start.afterSeq + i * per;
      const lastSeq = Math.min(start.lastSeq, afterSeq + per);
      if (afterSeq >= lastSeq) break;
      const { port1, port2 } = new MessageChannel();
      const data: RangeData = { port: port2, state: counters.buffer as SharedArrayBuffer, index: i, file: db.name, afterSeq, lastSeq, prevHash: i === 0 ? start.prevHash : null, tagBytes };
      const worker = startWorker('range-verify', import.meta.url, { execArgv: [], workerData: data, transferList: [port2] });
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
        if (got) s.answer = got.message as RangeAnswer;
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
    const breaks = answers.map((a) => a.indexBreak).filter((b): b is number => b != null);
    return { headSeq: start.lastSeq, headHash: last.lastHash, prevHeadHash: last.prevLastHash, indexBreak: breaks.length ? Math.min(...breaks) : null };
  } catch {
    return null;
  } finally {
    for (const s of started) {
      s.port.close();
      void s.worker.terminate();
    }
  }
}
