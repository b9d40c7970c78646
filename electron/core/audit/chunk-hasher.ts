import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { startWorker } from '../workers/worker-start';
import type { ChunkAnswer, ChunkHashData, ChunkHashMessage } from './worker-messages';

// Verify reads a chunk from SQLite and checks its entries, and the two cost about the same. So the
// checking goes to a worker thread (chunk-hash.worker.ts) while the main thread reads the next chunk: the chunk's bytes
// are transferred (not copied), the worker runs every per-entry check (framing, seq, link, hash)
// and answers one boolean per chunk. verify stays synchronous: the answer is taken with
// receiveMessageOnPort, sleeping on Atomics.wait until the worker signals (as record-vault.ts
// does). A worker that stalls is given up on and the caller checks on the main thread; a worker
// that throws answers "not intact", which makes the caller walk that chunk entry by entry. So the
// worker only ever says "intact" by having compared every entry.

/** No answer for this long: the worker is taken as stuck. */
const STALL_MS = 10_000;

export class ChunkHasher {
  private readonly answers = new Map<number, boolean>();
  private stalled = false;
  private closed = false;

  /** state[0] is bumped by the worker after each answer, so the main thread can sleep until one comes. */
  private constructor(private readonly worker: Worker, private readonly port: MessagePort, private readonly state: Int32Array) {}

  /** A started worker, or null when none can be started (the caller hashes itself). */
  static start(): ChunkHasher | null {
    try {
      const { port1, port2 } = new MessageChannel();
      const state = new Int32Array(new SharedArrayBuffer(4));
      const data: ChunkHashData = { port: port2, state: state.buffer as SharedArrayBuffer };
      const worker = startWorker('chunk-hash', import.meta.url, { execArgv: [], workerData: data, transferList: [port2] });
      worker.unref();
      const h = new ChunkHasher(worker, port1, state);
      // A worker that dies is noticed by its silence (STALL_MS); its error event must not crash the station.
      worker.on('error', () => {});
      return h;
    } catch {
      return null;
    }
  }

  /**
   * Hands a chunk over to be checked with entriesIntact (chunk-check.ts; same arguments, hex is the worker's own).
   * buf is detached when it owns its whole ArrayBuffer. False when it could not be sent (the
   * caller checks the chunk itself).
   */
  send(id: number, buf: Buffer, lengths: string, hashes: string, firstSeq: number, prevHash: string, tagBytes: number): boolean {
    if (this.stalled || this.closed) return false;
    const own = buf.byteOffset === 0 && buf.buffer.byteLength === buf.length && buf.buffer instanceof ArrayBuffer;
    const bytes = own ? (buf.buffer as ArrayBuffer) : new Uint8Array(buf).buffer;
    try {
      this.port.postMessage({ id, buf: bytes, lengths, hashes, firstSeq, prevHash, tagBytes } satisfies ChunkHashMessage, [bytes]);
      return true;
    } catch {
      return false;
    }
  }

  /** Whether every entry of chunk id matched its hash; null when the worker stopped answering. */
  result(id: number): boolean | null {
    while (!this.answers.has(id)) {
      if (this.stalled) return null;
      const seen = Atomics.load(this.state, 0);
      if (this.poll()) continue;
      if (Atomics.wait(this.state, 0, seen, STALL_MS) === 'timed-out' && !this.poll()) this.stalled = true;
    }
    const ok = this.answers.get(id)!;
    this.answers.delete(id);
    return ok;
  }

  /** Takes every answer already waiting; false when there was none. */
  private poll(): boolean {
    let any = false;
    for (let got = receiveMessageOnPort(this.port); got; got = receiveMessageOnPort(this.port)) {
      const m = got.message as ChunkAnswer;
      this.answers.set(m.id, m.ok === true);
      any = true;
    }
    return any;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.postMessage('close' satisfies ChunkHashMessage);
    this.port.close();
    void this.worker.terminate();
  }
}
