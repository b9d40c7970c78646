import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { CardRecord } from '../../../shared/domain/record';

// Card records wait in the store encrypted (PCI CP: cardholder data encrypted at rest) under a
// per-station data key kept beside the database, readable by the station's user only. They are
// opened for the minimum time: when a card's personalization starts.
export class RecordVault {
  // Random IVs drawn from the CSPRNG in blocks: one call per record cost more than the cipher
  // itself on a 100k-record import. IVs are not secret; each is used once.
  private ivs = Buffer.alloc(0);
  private ivAt = 0;
  private constructor(private readonly key: Buffer) {}

  static open(keyPath: string): RecordVault {
    if (keyPath === ':memory:') return new RecordVault(randomBytes(32));
    if (!existsSync(keyPath)) {
      mkdirSync(dirname(keyPath), { recursive: true });
      writeFileSync(keyPath, randomBytes(32), { mode: 0o600, flag: 'wx' });
    }
    chmodSync(keyPath, 0o600);
    const key = readFileSync(keyPath);
    if (key.length !== 32) throw new Error(`record key file ${keyPath} is damaged (expected 32 bytes)`);
    return new RecordVault(key);
  }

  seal(record: CardRecord, aad: string): Buffer {
    if (this.ivAt + 12 > this.ivs.length) {
      this.ivs = randomBytes(12 * 1024);
      this.ivAt = 0;
    }
    const iv = this.ivs.subarray(this.ivAt, (this.ivAt += 12));
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(aad));
    const body = c.update(JSON.stringify(record), 'utf8');
    const tail = c.final();
    const out = Buffer.alloc(28 + body.length + tail.length);
    iv.copy(out, 0);
    c.getAuthTag().copy(out, 12);
    body.copy(out, 28);
    tail.copy(out, 28 + body.length);
    return out;
  }

  /**
   * Starts sealing a batch's records, record i with AAD `aadPrefix + i`: in a worker thread for a
   * large batch, so the caller can go on (checks, then inserts) and take each with `get(i)`.
   */
  sealAll(records: readonly CardRecord[], aadPrefix: string): SealedBatch {
    if (records.length < PARALLEL_SEAL_MIN) return new InlineSealed(this, records, aadPrefix);
    try {
      return new WorkerSealed(this, this.key, records, aadPrefix);
    } catch {
      return new InlineSealed(this, records, aadPrefix);
    }
  }

  /** `aad` binds the sealed record to its place (batch and index), so rows cannot be swapped. */
  open(sealed: Buffer, aad: string): CardRecord {
    const d = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(sealed.subarray(12, 28));
    const text = Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
    return JSON.parse(text) as CardRecord;
  }
}

// ---- Sealing a whole batch beside the main thread ----
//
// Sealing (one AES-256-GCM per record, key schedule included) costs as much as storing the rows,
// and an import is synchronous. So a batch's records are handed to a worker thread as soon as
// they are decoded, sealed there in chunks while the main thread runs the product checks and then
// inserts, and taken back synchronously (receiveMessageOnPort + Atomics.wait). The construction
// is the same as seal(): a fresh random 96-bit IV per record, the record's place as AAD. Should
// the worker fail or stall, the main thread seals what is left itself.

/** Records per message to the worker. */
const CHUNK = 2048;
/** Below this many records a worker costs more than it saves. */
export const PARALLEL_SEAL_MIN = 4096;
/** Sealing threads: one core stays with the main thread, which checks and then inserts. */
const SEAL_WORKERS = Math.max(1, Math.min(3, availableParallelism() - 1));
/** No chunk for this long: the worker is taken as stuck and the rest is sealed here. */
const STALL_MS = 10_000;

// Plain JS run as the worker's script (eval): no TypeScript loader and no bundler entry needed.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { createCipheriv, randomBytes } = require('node:crypto');
const key = Buffer.from(workerData.key);
const port = workerData.port;
const state = new Int32Array(workerData.state);
const signal = () => { Atomics.add(state, 0, 1); Atomics.notify(state, 0); };
port.on('message', (m) => {
  if (m === 'close') { key.fill(0); workerData.key.fill(0); port.close(); return; }
  try {
    const texts = m.texts;
    const n = texts.length;
    const ivs = randomBytes(12 * n);
    const parts = new Array(n);
    const offsets = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const iv = ivs.subarray(12 * i, 12 * i + 12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(Buffer.from(m.aadPrefix + (m.first + i)));
      const body = c.update(texts[i], 'utf8');
      const tail = c.final();
      parts[i] = [iv, c.getAuthTag(), body, tail];
      offsets[i + 1] = offsets[i] + 28 + body.length + tail.length;
    }
    const out = new ArrayBuffer(offsets[n]);
    const o = Buffer.from(out);
    for (let i = 0; i < n; i++) {
      let at = offsets[i];
      for (const p of parts[i]) at += p.copy(o, at);
    }
    port.postMessage({ chunk: m.chunk, out, offsets: offsets.buffer }, [out, offsets.buffer]);
  } catch (e) {
    port.postMessage({ chunk: m.chunk, error: String((e && e.message) || e) });
  }
  signal();
});
`;

/** Sealed records of a batch, in order: `get(i)` is record i sealed with AAD `aadPrefix + i`. */
export interface SealedBatch {
  get(i: number): Buffer;
  /** Stops the worker (after the import, or when the batch is refused). */
  close(): void;
}

class InlineSealed implements SealedBatch {
  constructor(private readonly vault: RecordVault, private readonly records: readonly CardRecord[], private readonly aadPrefix: string) {}
  get(i: number): Buffer {
    return this.vault.seal(this.records[i], this.aadPrefix + i);
  }
  close(): void {}
}

interface WorkerReply {
  chunk: number;
  out?: ArrayBuffer;
  offsets?: ArrayBuffer;
  error?: string;
}

class WorkerSealed implements SealedBatch {
  private readonly workers: { worker: Worker; port: MessagePort }[] = [];
  /** Bumped by a worker after each reply, so the main thread can sleep until one comes. */
  private readonly state = new Int32Array(new SharedArrayBuffer(4));
  /** Per chunk: its sealed bytes and where each record starts in them, once received. */
  private readonly chunks: ({ out: ArrayBuffer; offsets: Int32Array } | undefined)[] = [];
  private failed = false;
  private closed = false;

  constructor(private readonly vault: RecordVault, key: Buffer, private readonly records: readonly CardRecord[], private readonly aadPrefix: string) {
    try {
      for (let w = 0; w < SEAL_WORKERS; w++) {
        const { port1, port2 } = new MessageChannel();
        const keyCopy = new Uint8Array(key);
        const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { key: keyCopy, port: port2, state: this.state.buffer }, transferList: [port2] });
        keyCopy.fill(0);
        worker.unref();
        // A worker that dies is noticed by its silence (STALL_MS); its error event must not crash the station.
        worker.on('error', () => (this.failed = true));
        this.workers.push({ worker, port: port1 });
      }
      for (let first = 0, c = 0; first < records.length; first += CHUNK, c++) {
        // Serialized here exactly as seal() does; the workers only encrypt.
        const texts = new Array<string>(Math.min(CHUNK, records.length - first));
        for (let k = 0; k < texts.length; k++) texts[k] = JSON.stringify(records[first + k]);
        this.workers[c % this.workers.length].port.postMessage({ chunk: c, first, aadPrefix, texts });
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  get(i: number): Buffer {
    const c = Math.floor(i / CHUNK);
    while (!this.chunks[c] && !this.failed) this.receive();
    const got = this.chunks[c];
    if (!got) return this.vault.seal(this.records[i], this.aadPrefix + i);
    const k = i - c * CHUNK;
    return Buffer.from(got.out, got.offsets[k], got.offsets[k + 1] - got.offsets[k]);
  }

  private receive(): void {
    const seen = Atomics.load(this.state, 0);
    if (this.poll()) return;
    if (Atomics.wait(this.state, 0, seen, STALL_MS) === 'timed-out' && !this.poll()) this.failed = true;
  }

  /** Takes every reply already waiting; false when there was none. */
  private poll(): boolean {
    let any = false;
    for (const w of this.workers)
      for (let got = receiveMessageOnPort(w.port); got; got = receiveMessageOnPort(w.port)) {
        this.take(got.message as WorkerReply);
        any = true;
      }
    return any;
  }

  private take(m: WorkerReply): void {
    if (m.out && m.offsets) this.chunks[m.chunk] = { out: m.out, offsets: new Int32Array(m.offsets) };
    else this.failed = true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.workers) {
      w.port.postMessage('close');
      w.port.close();
      void w.worker.terminate();
    }
  }
}
