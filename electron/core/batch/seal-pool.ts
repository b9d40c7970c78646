import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { startWorker } from '../workers/worker-start';

// Seal workers for the import worker: blocks of serialized records go out, sealed blobs come back
// in order. The import worker reads and checks the next block while one is being sealed, and
// takes a block back synchronously (receiveMessageOnPort, Atomics.wait) — it is not the device
// thread, so it may wait. Should a seal worker stall, the import fails cleanly (nothing stored).
const STALL_MS = 30_000;

export class SealPool {
  private readonly workers: { worker: Worker; port: MessagePort }[] = [];
  private readonly state = new Int32Array(new SharedArrayBuffer(4));
  private readonly done = new Map<number, { out: ArrayBuffer; offsets: Int32Array }>();
  private next = 0;

  constructor(key: Buffer, n = Math.max(1, Math.min(2, availableParallelism() - 1))) {
    for (let w = 0; w < n; w++) {
      const { port1, port2 } = new MessageChannel();
      const keyCopy = new Uint8Array(key);
      const worker = startWorker('seal', import.meta.url, { workerData: { key: keyCopy, port: port2, state: this.state.buffer }, transferList: [port2] });
      keyCopy.fill(0);
      worker.on('error', () => {});
      this.workers.push({ worker, port: port1 });
    }
  }

  /** Starts sealing texts[k] with AAD `aadPrefix + (first + k)`; returns the block's ticket. */
  submit(aadPrefix: string, first: number, texts: string[]): number {
    const block = this.next++;
    this.workers[block % this.workers.length].port.postMessage({ block, aadPrefix, first, texts });
    return block;
  }

  /** The sealed records of a block, waiting for them if need be. */
  take(block: number): Buffer[] {
    for (;;) {
      const got = this.done.get(block);
      if (got) {
        this.done.delete(block);
        const out: Buffer[] = new Array(got.offsets.length - 1);
        for (let k = 0; k < out.length; k++) out[k] = Buffer.from(got.out, got.offsets[k], got.offsets[k + 1] - got.offsets[k]);
        return out;
      }
      const seen = Atomics.load(this.state, 0);
      if (this.poll()) continue;
      if (Atomics.wait(this.state, 0, seen, STALL_MS) === 'timed-out' && !this.poll()) throw new Error('a seal worker stopped answering');
    }
  }

  private poll(): boolean {
    let any = false;
    for (const w of this.workers)
      for (let m = receiveMessageOnPort(w.port); m; m = receiveMessageOnPort(w.port)) {
        const r = m.message as { block: number; out: ArrayBuffer; offsets: ArrayBuffer };
        this.done.set(r.block, { out: r.out, offsets: new Int32Array(r.offsets) });
        any = true;
      }
    return any;
  }

  close(): void {
    for (const w of this.workers) {
      w.port.postMessage('close');
      w.port.close();
      void w.worker.terminate();
    }
    this.workers.length = 0;
  }
}
