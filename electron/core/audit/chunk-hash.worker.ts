import { workerData } from 'node:worker_threads';
import { sha256HexBytes } from './chain';
import { entriesIntact } from './chunk-check';
import type { ChunkAnswer, ChunkHashData, ChunkHashMessage } from './worker-messages';

// The hashing worker of verify (see chunk-hasher.ts): checks each chunk it is sent with
// entriesIntact and answers one boolean, then bumps state[0] so the main thread, asleep on
// Atomics.wait, takes the answer. A check that throws answers "not intact": the caller then walks
// that chunk entry by entry.
const { port, state: shared } = workerData as ChunkHashData;
const state = new Int32Array(shared);

port.on('message', (m: ChunkHashMessage) => {
  if (m === 'close') {
    port.close();
    return;
  }
  let ok: boolean;
  try {
    ok = entriesIntact(new Uint8Array(m.buf), m.lengths, m.hashes, m.firstSeq, m.prevHash, m.tagBytes, sha256HexBytes) === true;
  } catch {
    ok = false;
  }
  port.postMessage({ id: m.id, ok } satisfies ChunkAnswer);
  Atomics.add(state, 0, 1);
  Atomics.notify(state, 0);
});
