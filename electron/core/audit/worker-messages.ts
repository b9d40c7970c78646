import type { MessagePort } from 'node:worker_threads';

// What verify's threads say to each other: the hashing worker (chunk-hash.worker.ts, driven by
// chunk-hasher.ts) and the range workers (range-verify.worker.ts, driven by range-verify.ts).
// Both sides import these types, so a field renamed on one side fails the typecheck on the other.

/** workerData of the hashing worker. */
export interface ChunkHashData {
  port: MessagePort;
  /** Int32Array[1] the worker bumps (and notifies) after each answer. */
  state: SharedArrayBuffer;
}

/** One chunk to check with entriesIntact; buf is transferred. */
export interface ChunkRequest {
  id: number;
  buf: ArrayBuffer;
  lengths: string;
  hashes: string;
  firstSeq: number;
  prevHash: string;
  tagBytes: number;
}

export type ChunkHashMessage = ChunkRequest | 'close';

export interface ChunkAnswer {
  id: number;
  /** Every entry of the chunk was compared and matched. */
  ok: boolean;
}

/** workerData of one range worker. */
export interface RangeData {
  port: MessagePort;
  /** Int32Array: [0] bumped at every step of any worker, [1 + index] entries this worker checked. */
  state: SharedArrayBuffer;
  index: number;
  /** The database file, opened read-only by the worker. */
  file: string;
  afterSeq: number;
  lastSeq: number;
  /** The hash the range's first entry must link to; null: the stored hash of entry afterSeq. */
  prevHash: string | null;
  tagBytes: number;
}

export interface RangeAnswer {
  ok: boolean;
  /** The stored hash this range's first entry was checked against (read by the worker, except for the first range). */
  startHash: string | null;
  lastHash: string | null;
  prevLastHash: string | null;
  /** The first entry of the range whose search or text index rows are wrong (index-check.ts); null when none. */
  indexBreak: number | null;
}
