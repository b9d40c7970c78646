import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startPcscd, type Pcscd } from '../../support/pcscd';
import { createSoftHsm, startP11KitServer, P11KIT_CLIENT, type P11KitServer, type SoftHsm } from '../../support/softhsm';
import { countInMemory, renderings } from '../../support/proc-mem';
import { demoProduct, demoRecords } from '../../../electron/cli/demo';
import { createBlankCard } from '../../../electron/sim/card/blank-card';
import { vpcdHeads } from '../../../electron/sim/line';

// The memory proof. The station runs in a child process (tests/support/hsm-station-child.ts) on a
// production product whose chip step goes through pcscd + vpcd; the virtual cards, which must know
// the master key to check the cryptograms, live in this parent process. The ceremony runs inside
// the station (components read from its stdin into Buffers). During the batch and after it, this
// process reads the station's whole memory and counts the master key and each component, as bytes
// and as hex text:
// - HSM provider (SoftHSM2 behind `p11-kit server`, the station loading p11-kit-client.so): 0 hits;
// - software provider: the same search finds the key, so the search can fail.
// Run with flock /tmp/perso-pcscd.lock (and as root, to read another process's memory).

const ROOT = resolve(new URL('../../..', import.meta.url).pathname);
const CARDS = 5;
let pcscd: Pcscd;
let hsm: SoftHsm;
let server: P11KitServer;
before(async () => {
  hsm = createSoftHsm();
  server = await startP11KitServer(hsm);
  pcscd = await startPcscd({ readers: 1 });
});
after(async () => {
  await pcscd?.stop();
  await server?.stop();
  hsm?.remove();
});

function station(keyStore: object) {
  const dir = mkdtempSync(join(tmpdir(), 'perso-memproof-'));
  mkdirSync(join(dir, 'products'));
  const product = { ...demoProduct(), id: 'CHIP-PROD', name: 'Chip only (production)', test: false, steps: ['chip'], magstripe: undefined, layout: undefined, retries: {} };
  product.chip = { ...product.chip!, keyId: 'hsm-kmc' };
  writeFileSync(join(dir, 'products', 'chip.json'), JSON.stringify(product));
  const config = {
    stationName: 'memory proof', dataDir: 'data', products: ['products/chip.json'], durability: 'normal',
    devices: { pcsc: 'pcsclite', readers: [{ id: 'chip-0', name: pcscd.slots[0].name }], encoder: null, machine: null, laser: null },
    keyStore,
  };
  writeFileSync(join(dir, 'station.json'), JSON.stringify(config));
  const issuerDek = randomBytes(16);
  const batch = { format: 'perso-batch/1', batchId: 'B-MEM-1', productId: 'CHIP-PROD', issuer: 'Test Bank', records: demoRecords(CARDS, issuerDek) };
  writeFileSync(join(dir, 'batch.json'), JSON.stringify(batch));
  return { dir, issuerDek };
}

async function runBatch(keyStore: object, env: Record<string, string>) {
  const { dir, issuerDek } = station(keyStore);
  const components = [randomBytes(16), randomBytes(16)];
  const key = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) key[i] = components[0][i] ^ components[1][i];
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tests/support/hsm-station-child.ts'), join(dir, 'station.json'), join(dir, 'batch.json')], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  child.stdin.write(Buffer.concat(components));
  const heads = vpcdHeads();
  const needles = [key, ...components].flatMap(renderings);
  const scans: { when: string; hits: number[] }[] = [];
  const events: Record<string, unknown>[] = [];
  let serial = 3000;
  let passed = 0;
  let keystore: unknown = null;
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const e = JSON.parse(line) as Record<string, unknown>;
      events.push(e);
      if (e.event === 'keystore') keystore = e.status;
      if (e.event === 'prompt' && e.instruction === 'place' && e.step === 'chip') {
        const card = createBlankCard({ serial: serial++, masterKey: key, keyAlgorithm: 'AES', scp: 'SCP03', diversification: 'kdf3', issuerDek });
        await heads.insert(0, card);
      }
      if (e.event === 'card' && (e.state === 'passed' || e.state === 'failed')) {
        if (e.state === 'passed') passed++;
        await heads.remove(0);
        if (passed === 2) {
          const m = countInMemory(child.pid!, needles);
          if (process.env.MEMPROOF_DEBUG) console.error(m.where);
          scans.push({ when: 'during the batch', hits: m.hits });
        }
      }
      if (e.event === 'idle') {
        scans.push({ when: 'after the batch', hits: countInMemory(child.pid!, needles).hits });
        child.stdin.write('q\n');
      }
    }
  } finally {
    await heads.close();
    if (child.exitCode == null) child.kill('SIGKILL');
  }
  await exited;
  const total = (s: { hits: number[] }, which: number) => s.hits.slice(which * 5, which * 5 + 5).reduce((a, b) => a + b, 0);
  return { scans, passed, keystore, events, keyHits: scans.map((s) => total(s, 0)), componentHits: scans.map((s) => total(s, 1) + total(s, 2)) };
}

test('HSM behind p11-kit server: the station process never holds the master key or a component, during or after the batch', async () => {
  const r = await runBatch({ kind: 'pkcs11', module: P11KIT_CLIENT, tokenLabel: hsm.label, pin: { file: hsm.pinFile } }, { P11_KIT_SERVER_ADDRESS: server.address });
  assert.equal((r.keystore as { state: string } | null)?.state, 'online', JSON.stringify(r.keystore));
  assert.equal(r.passed, CARDS, JSON.stringify(r.events.filter((e) => e.event === 'card')));
  assert.equal(r.scans.length, 2, 'scanned during and after the batch');
  assert.deepEqual(r.keyHits, [0, 0], `master key found in the station's memory: ${JSON.stringify(r.scans)}`);
  assert.deepEqual(r.componentHits, [0, 0], `a component found in the station's memory: ${JSON.stringify(r.scans)}`);
});

test('the same search finds the master key in the station with the software key store (the proof can fail)', async () => {
  const r = await runBatch({ kind: 'software', allowProduction: true }, {});
  assert.equal(r.passed, CARDS, JSON.stringify(r.events.filter((e) => e.event === 'card')));
  assert.ok(r.keyHits.some((n) => n > 0), `the software store's key was not found: ${JSON.stringify(r.scans)}`);
});
