import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../../electron/core/engine/engine';
import type { EngineStatus } from '../../../shared/contract/dto';
import type { DeviceStatus } from '../../../shared/domain/device';
import type { Product } from '../../../shared/domain/product';
import { deviceWords, engineWords } from '../../../renderer/src/i18n/status-words';
import { makeStore, record, fakeModule, DirectTransport } from '../../support/core-fixture';
import { rig as machineRig } from '../machine/support';
import { rig as encoderRig } from '../magstripe/rig';

// Words (issue 13 item 8): the drivers and the engine say what is going on as a note (a code and
// its parameters) beside their own line, which stays the log's. Every note they send is worded
// by the renderer's catalogue: none falls back to the generic sentence.

const T1 = 'B4111111111111111^DOE/JOHN^2512201';
const T2 = '4111111111111111=2512201';

function wordedByCatalogue(s: DeviceStatus): string {
  assert.ok(s.note, `${s.id} ${s.state} "${s.message}" has a note`);
  const w = deviceWords(s);
  assert.doesNotMatch(w.text, /^(Working normally|Working|Not connected|The device reports a problem)$/, `${JSON.stringify(s.note)} is in the catalogue`);
  assert.ok(!/4111/.test(JSON.stringify(s.note)), 'no card data in a note');
  return w.text;
}

test('the machine says what it does with a card as a note: "Moving card 1 to the stripe encoder", not "moving card 1 to ENCODER 0"', async () => {
  const r = await machineRig();
  const seen: DeviceStatus[] = [];
  r.machine.onStatus((s) => seen.push(s));
  const h = await r.machine.feed();
  await r.machine.move(h, 'CHIP', 1);
  await r.machine.move(h, 'ENCODER', 0);
  await r.machine.eject(h, 'GOOD');
  const busy = seen.filter((s) => s.state === 'busy');
  assert.deepEqual(busy.map((s) => s.note), [
    { code: 'machine.feed' },
    { code: 'machine.move.CHIP', params: { card: h, unit: 2 } },
    { code: 'machine.move.ENCODER', params: { card: h } },
    { code: 'machine.eject.GOOD', params: { card: h } },
  ]);
  assert.equal(busy[2].message, `moving card ${h} to ENCODER 0`, 'the log keeps the driver\'s line');
  assert.deepEqual(seen.map(wordedByCatalogue).filter((_, i) => seen[i].state === 'busy'), [
    'Taking a blank card from the hopper', `Moving card ${h} to chip head 2`, `Moving card ${h} to the stripe encoder`, `Sending card ${h} to the good-card bin`,
  ]);
  const h2 = await r.machine.feed();
  r.emulator.jamAtNextMove();
  await r.machine.move(h2, 'CHIP', 0).catch(() => undefined);
  assert.deepEqual(r.machine.status().note, { code: 'reason', params: { reason: 'MACHINE_JAM' } });
  assert.equal(deviceWords(r.machine.status()).text, 'A card is jammed in the machine');
  await r.machine.close();
  assert.equal(wordedByCatalogue(r.machine.status()), 'The personalization machine is offline');
});

test('the stripe encoder\'s states are notes: writing, ready, no answer', async () => {
  const { emu, enc } = encoderRig();
  const seen: DeviceStatus[] = [];
  enc.onStatus((s) => seen.push(s));
  await enc.start();
  await enc.writeTracks([T1, T2, null]);
  emu.faults.silent = 1;
  await enc.writeTracks([T1, T2, null]).catch(() => undefined);
  assert.equal(enc.status().state, 'error');
  assert.equal(enc.status().message, 'no answer to write ISO', 'the log keeps the driver\'s line');
  await enc.close();
  assert.deepEqual([...new Set(seen.map(wordedByCatalogue))], ['Ready', 'Writing the stripe', 'The stripe encoder did not answer in time', 'Closed']);
  assert.equal(deviceWords(seen.find((s) => s.state === 'error')!).action, 'Check the encoder');
});

function product(steps: Product['steps']): Product {
  return { id: 'P', name: 'P', test: true, steps, retries: {}, fields: [] } as unknown as Product;
}

test('a line paused after three stripe failures says so as a note; the engine\'s line with the driver\'s text stays the log\'s', async () => {
  const store = makeStore();
  store.importBatch({ header: { format: 'perso-batch/1', batchId: 'B', productId: 'P' }, records: Array.from({ length: 4 }, (_, i) => record(i + 1)) }, 'f.json', null);
  const statuses: EngineStatus[] = [];
  const msr = fakeModule('magstripe', () => ({ ok: false, reason: 'MSR_WRITE_ERROR', message: 'encoder: write ISO failed: read/write error (status 31)' }));
  const engine = new Engine({ store, modules: { magstripe: msr }, transport: new DirectTransport(), product: () => product(['magstripe']), deviceReady: () => true, log: () => undefined, onCard: () => undefined, onStatus: (s) => statuses.push(s) });
  engine.start('B');
  // A paused line is not idle: wait for the pause itself.
  while (engine.status().state !== 'paused') await new Promise((r) => setTimeout(r, 5));
  const s = engine.status();
  assert.deepEqual(s.note, { code: 'pausedRun', params: { count: 3, reason: 'MSR_WRITE_ERROR' } });
  assert.match(s.message ?? '', /status 31/);
  const w = engineWords(s, [])!;
  assert.equal(w.text, 'The line is paused: 3 cards in a row failed: The stripe encoder could not write the stripe');
  assert.equal(w.action, 'Check the device, then resume');
  engine.stop();
  await engine.idle();
  assert.equal(engine.status().note, null, 'the note went with the pause');
});

test('a card waiting for a device: the note names the device by id, the screen by the name the device panel shows', async () => {
  const store = makeStore();
  store.importBatch({ header: { format: 'perso-batch/1', batchId: 'B', productId: 'P' }, records: [record(1)] }, 'f.json', null);
  let up = false;
  const statuses: EngineStatus[] = [];
  const emb = fakeModule('emboss', () => ({ ok: true }));
  const engine = new Engine({ store, modules: { emboss: emb }, transport: new DirectTransport(), product: () => product(['emboss']), deviceReady: (id) => up || id !== 'emboss-0', waitPollMs: 5, log: () => undefined, onCard: () => undefined, onStatus: (st) => statuses.push(st) });
  engine.start('B');
  while (!statuses.some((st) => st.note?.code === 'waitFeed')) await new Promise((r) => setTimeout(r, 5));
  const waiting = statuses.find((st) => st.note?.code === 'waitFeed')!;
  assert.deepEqual(waiting.note!.params, { device: 'emboss-0', record: 'R000001' });
  assert.equal(engineWords(waiting, [{ id: 'emboss-0', name: 'Embosser' }])!.text, 'Waiting for Embosser to come back: no new card is fed until it is back');
  up = true;
  await engine.idle();
  assert.equal(engine.status().note, null);
  assert.equal(engine.status().state, 'finished');
});
