import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

// Verify reads a chunk from SQLite and checks its entries, and the two cost about the same. So the
// checking goes to a worker thread while the main thread reads the next chunk: the chunk's bytes
// are transferred (not copied), the worker runs every per-entry check (framing, seq, link, hash)
// and answers one boolean per chunk. verify stays synchronous: the answer is taken with
// receiveMessageOnPort, sleeping on Atomics.wait until the worker signals (as record-vault.ts
// does). A worker that stalls is given up on and the caller checks on the main thread; a worker
// that throws answers "not intact", which makes the caller walk that chunk entry by entry. So the
// worker only ever says "intact" by having compared every entry.

/** No answer for this long: the worker is taken as stuck. */
const STALL_MS = 10_000;

/**
 * Entries per chunk read for verify. A chunk's bytes (~270 KB here) are built by SQLite, copied
 * into a Buffer and hashed: at this size they are still in the core's cache when hashed, and with
 * 10,000 they were not (verify of 1M entries took a quarter longer, in either path).
 */
export const CHUNK = 1000;

/**
 * The query entriesIntact's input comes from: one row per chunk of up to CHUNK entries after a seq
 * (bound 1), in seq order — [count, min seq, max seq, byte lengths as a comma list, every canon
 * concatenated, the stored hashes concatenated]. With upTo, a second bound caps the seqs read.
 */
export function chunkSql(upTo: boolean): string {
  return `SELECT count(*), min(seq), max(seq), group_concat(octet_length(canon)), CAST(group_concat(canon, '') AS BLOB), group_concat(hash, '')
  FROM (SELECT seq, canon, hash FROM audit_chain WHERE seq > ?${upTo ? ' AND seq <= ?' : ''} ORDER BY seq LIMIT ${CHUNK})`;
}

/**
 * True when the canon bytes of a chunk of entries, in seq order from firstSeq, are each framed as
 * an entry (the tag, then a JSON array that starts with the entry's own seq and ends with its link
 * `,"<64 hex>"]`), each link is the hash before it (prevHash for the first), and each entry hashes
 * to its stored hash. Entry i is buf[sum of lengths before i ..) with the byte length lengths names
 * (a comma list); its stored hash is hashes[64i .. 64i+64).
 *
 * This function is also the worker's code, sent as its source text: it must reference nothing
 * outside itself (hex and tagBytes come in as arguments) and define no function inside itself.
 */
export function entriesIntact(
  buf: Uint8Array, lengths: string, hashes: string, firstSeq: number, prevHash: string, tagBytes: number, hex: (b: Uint8Array) => string,
): boolean {
  const count = hashes.length / 64;
  // The links as bytes, 4 at a time (a per-byte loop cost a third of the hashing). Hashes are
  // ASCII hex; anything else is left to the walk.
  const expect = Buffer.from(prevHash + hashes, 'utf8');
  if (count < 1 || count % 1 !== 0 || expect.length !== (count + 1) * 64) return false;
  const bytes = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const links = new DataView(expect.buffer, expect.byteOffset, expect.byteLength);
  let digests = '';
  let pos = 0;
  let li = 0;
  for (let i = 0; i < count; i++) {
    let len = 0;
    for (let ch = lengths.charCodeAt(li++); ch >= 48 && ch <= 57; ch = lengths.charCodeAt(li++)) len = len * 10 + ch - 48;
    const end = pos + len;
    if (len < tagBytes + 70 || end > buf.length) return false;
    // `,"` link `"]` closes the array: the link is its last element, and it is the hash before.
    if (buf[end - 1] !== 0x5d || buf[end - 2] !== 0x22 || buf[end - 67] !== 0x22 || buf[end - 68] !== 0x2c) return false;
    for (let k = 0; k < 64; k += 4) if (bytes.getUint32(end - 66 + k) !== links.getUint32(i * 64 + k)) return false;
    // `[seq,` opens it: the entry's own seq, no leading zero.
    let p = pos + tagBytes;
    if (buf[p++] !== 0x5b || buf[p] === 0x30) return false;
    let seq = 0;
    let c = buf[p];
    for (; c >= 0x30 && c <= 0x39; c = buf[++p]) seq = seq * 10 + c - 0x30;
    if (c !== 0x2c || seq !== firstSeq + i) return false;
    // A plain view: Buffer#subarray costs a sixth of the hashing here.
    digests += hex(new Uint8Array(buf.buffer, buf.byteOffset + pos, len));
    pos = end;
  }
  // Each entry's hash, compared all at once (one compare per entry cost a quarter of the hashing).
  return digests === hashes && pos === buf.length && li >= lengths.length;
}

// Plain JS run as the worker's script (eval): no TypeScript loader and no bundler entry needed.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const port = workerData.port;
const state = new Int32Array(workerData.state);
const hex = typeof crypto.hash === 'function' ? (b) => crypto.hash('sha256', b, 'hex') : (b) => crypto.createHash('sha256').update(b).digest('hex');
const entriesIntact = ${entriesIntact.toString()};
port.on('message', (m) => {
  if (m === 'close') { port.close(); return; }
  let ok;
  try {
    ok = entriesIntact(new Uint8Array(m.buf), m.lengths, m.hashes, m.firstSeq, m.prevHash, m.tagBytes, hex) === true;
  } catch {
    ok = false;
  }
  port.postMessage({ id: m.id, ok });
  Atomics.add(state, 0, 1);
  Atomics.notify(state, 0);
});
`;

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
      const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { port: port2, state: state.buffer }, transferList: [port2] });
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
   * Hands a chunk over to be checked with entriesIntact (same arguments; hex is the worker's own).
   * buf is detached when it owns its whole ArrayBuffer. False when it could not be sent (the
   * caller checks the chunk itself).
   */
  send(id: number, buf: Buffer, lengths: string, hashes: string, firstSeq: number, prevHash: string, tagBytes: number): boolean {
    if (this.stalled || this.closed) return false;
    const own = buf.byteOffset === 0 && buf.buffer.byteLength === buf.length && buf.buffer instanceof ArrayBuffer;
    const bytes = own ? (buf.buffer as ArrayBuffer) : new Uint8Array(buf).buffer;
    try {
      this.port.postMessage({ id, buf: bytes, lengths, hashes, firstSeq, prevHash, tagBytes }, [bytes]);
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
      const m = got.message as { id: number; ok: boolean };
      this.answers.set(m.id, m.ok === true);
      any = true;
    }
    return any;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.postMessage('close');
    this.port.close();
    void this.worker.terminate();
  }
}
