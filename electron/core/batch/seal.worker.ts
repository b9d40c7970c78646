import { workerData, type MessagePort } from 'node:worker_threads';
import { createCipheriv, randomBytes } from 'node:crypto';
import { runInBackground } from '../workers/background';

// Seals blocks of records for the import worker (seal-pool.ts), the same construction as
// RecordVault.seal: AES-256-GCM, a fresh random 96-bit IV per record, the record's place as AAD,
// out = IV | tag | ciphertext. One cipher per record costs as much as storing the row, so it runs
// beside the import worker's reading and inserting.
// Below the device thread's priority (see workers/background.ts).
runInBackground();
const key = Buffer.from(workerData.key as Uint8Array);
const state = new Int32Array(workerData.state as SharedArrayBuffer);
const port = workerData.port as MessagePort;

port.on('message', (m: { block: number; aadPrefix: string; first: number; texts: string[] } | 'close') => {
  if (m === 'close') {
    key.fill(0);
    port.close();
    return;
  }
  const n = m.texts.length;
  const ivs = randomBytes(12 * n);
  const parts: Buffer[][] = new Array(n);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const iv = ivs.subarray(12 * i, 12 * i + 12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(Buffer.from(m.aadPrefix + (m.first + i)));
    const body = c.update(m.texts[i], 'utf8');
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
  port.postMessage({ block: m.block, out, offsets: offsets.buffer }, [out, offsets.buffer as ArrayBuffer]);
  Atomics.add(state, 0, 1);
  Atomics.notify(state, 0);
});
