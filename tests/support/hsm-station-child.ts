import { readSync } from 'node:fs';
import { bootStation } from '../../electron/boot';
import { ManualTransport } from '../../electron/core/manual/manual-transport';
import { importBatch } from '../../electron/core/batch/import';
import { secureBuffer } from '../../electron/devices/pkcs11/secure-buffer';

// The station as a child process for the memory proof (tests/integration/hsm/memory-proof.test.ts):
// boots from argv[2] (manual mode: no simulator inside, the cards live in the parent process),
// runs the key ceremony with the two components read from stdin straight into Buffers (one read
// syscall each, no stream copies), imports the batch file argv[3], runs it, confirms the tray
// prompts, and reports each prompt and card on stdout as JSON lines. Exits when stdin says "q".

const say = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

function readExactly(n: number): Buffer {
  const b = secureBuffer(n);
  let off = 0;
  while (off < n) {
    const got = readSync(0, b, off, n - off, null);
    if (got === 0) throw new Error('stdin closed');
    off += got;
  }
  return b;
}

const b = await bootStation({ configPath: process.argv[2], origin: 'cli' });
const st = b.station;
const ks = st.deviceSet.devices.find((d) => d.kind === 'keystore');
for (let i = 0; i < 100 && ks && ks.status().state !== 'online'; i++) await new Promise((r) => setTimeout(r, 50));
say({ event: 'keystore', status: ks?.status() ?? null });

const admin = { username: 'admin', role: 'administrator' as const, origin: 'cli' };
const id = st.keys.startCeremony({ keyId: 'hsm-kmc', label: 'Card master key', algorithm: 'AES', components: 2, test: false }, admin);
st.keys.enterComponent(id, { username: 'supervisor', role: 'supervisor', origin: 'cli' }, readExactly(16));
const done = st.keys.enterComponent(id, admin, readExactly(16));
say({ event: 'key', kcv: done.key!.kcv, location: done.key!.location });

const { readFileSync } = await import('node:fs');
const batchId = (await importBatch({ store: st.store, products: st.products }, 'chip-batch.json', readFileSync(process.argv[3], 'utf8'), 'cli')).batchId;

const t = st.deviceSet.transport as ManualTransport;
t.onChange((c) => {
  if (c.type !== 'added') return;
  say({ event: 'prompt', instruction: c.prompt.instruction, step: c.prompt.step, slot: c.prompt.slot });
  if (c.prompt.needsConfirmation) setTimeout(() => t.confirm(c.prompt.promptId), 20);
});
st.events.on('card.updated', (row) => say({ event: 'card', record: row.recordId, state: row.state, reason: row.reason }));
st.engine.start(batchId);
await st.engine.idle();
say({ event: 'idle', counts: st.store.counts(batchId) });
// Wait for "q" before closing, so the parent can read this process's memory after the batch too.
process.stdin.once('data', async () => {
  await st.close();
  process.exit(0);
});
