import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualTransport, ManualPromptError, type ManualChange } from '../../../electron/core/manual/manual-transport';
import { DirectTransport } from '../../../electron/wiring/direct-transport';
import { createDevices } from '../../../electron/wiring/devices';
import { writeDemo } from '../../../electron/cli/demo';
import { parseConfig } from '../../../electron/core/config';
import { tempDir } from '../../support/core-fixture';
import { FakeReader } from './manual-station';

const tick = () => new Promise((r) => setTimeout(r, 5));

function setup() {
  const reader = new FakeReader('chip-0');
  const t = new ManualTransport({ modules: { chip: { deviceIds: ['chip-0'] }, magstripe: { deviceIds: ['encoder'] }, laser: { deviceIds: ['laser'] } }, devices: [reader], now: () => 42 });
  const changes: ManualChange[] = [];
  t.onChange((c) => changes.push(c));
  return { t, reader, changes };
}

/** Tracks whether a promise settled, without awaiting it. */
function watch(p: Promise<unknown>) {
  const s = { done: false, error: null as unknown };
  p.then(() => (s.done = true), (e) => ((s.done = true), (s.error = e)));
  return s;
}

test('a place is prompted only after the card before it left, and confirmations resolve the moves', async () => {
  const { t, changes } = setup();
  const ac = new AbortController();
  const a = await t.feed({ cardId: 1, signal: ac.signal });
  const b = await t.feed({ cardId: 2, signal: ac.signal });
  const aEnc = watch(t.moveTo(a, 'magstripe', 0, ac.signal));
  await tick();
  assert.deepEqual(t.pending().map((p) => [p.cardId, p.instruction, p.deviceId, p.slot, p.needsConfirmation, p.since]), [[1, 'place', 'encoder', 0, true, 42]]);
  t.confirm(t.pending()[0].promptId);
  await tick();
  assert.ok(aEnc.done && !aEnc.error);
  const bEnc = watch(t.moveTo(b, 'magstripe', 0, ac.signal));
  await tick();
  assert.deepEqual(t.pending(), [], 'card 2 is not asked into the encoder while card 1 is in it');
  const aLaser = watch(t.moveTo(a, 'laser', 0, ac.signal));
  await tick();
  assert.deepEqual(t.pending().map((p) => [p.cardId, p.instruction, p.deviceId]), [[1, 'move', 'laser']]);
  t.confirm(t.pending()[0].promptId);
  await tick();
  assert.ok(aLaser.done);
  assert.deepEqual(t.pending().map((p) => [p.cardId, p.instruction, p.deviceId]), [[2, 'place', 'encoder']], 'card 1 left the encoder: card 2 may go in');
  t.confirm(t.pending()[0].promptId);
  await tick();
  assert.ok(bEnc.done && !bEnc.error);
  const ej = watch(t.eject(a, 'reject', ac.signal));
  await tick();
  assert.deepEqual(t.pending().map((p) => [p.cardId, p.instruction, p.deviceId, p.step]), [[1, 'reject-tray', null, null]]);
  t.confirm(t.pending()[0].promptId);
  await tick();
  assert.ok(ej.done && !ej.error);
  assert.deepEqual(changes.map((c) => `${c.type} ${c.prompt.cardId} ${c.prompt.instruction}`), [
    'added 1 place', 'resolved 1 place', 'added 1 move', 'resolved 1 move', 'added 2 place', 'resolved 2 place', 'added 1 reject-tray', 'resolved 1 reject-tray',
  ]);
});

test('the reader resolves its own prompt, only for a card put in after it (a card left in it does not count)', async () => {
  const { t, reader } = setup();
  const ac = new AbortController();
  reader.insert(); // a card left in the reader from before
  const h = await t.feed({ cardId: 7, signal: ac.signal });
  const mv = watch(t.moveTo(h, 'chip', 0, ac.signal));
  await tick();
  assert.equal(mv.done, false, 'the card already in the reader is not the one asked for');
  const [p] = t.pending();
  assert.equal(p.needsConfirmation, false);
  assert.throws(() => t.confirm(p.promptId), (e: ManualPromptError) => e.code === 'NOT_CONFIRMABLE');
  reader.remove();
  await tick();
  assert.equal(mv.done, false);
  reader.insert();
  await tick();
  assert.ok(mv.done && !mv.error);
  assert.deepEqual(t.pending(), []);
});

test('an abort cancels the prompt and rejects the move with the abort reason; a later confirm finds nothing', async () => {
  const { t, changes } = setup();
  const ac = new AbortController();
  const h = await t.feed({ cardId: 3, signal: ac.signal });
  const mv = t.moveTo(h, 'laser', 0, ac.signal);
  await tick();
  const [p] = t.pending();
  const why = new Error('estop');
  ac.abort(why);
  await assert.rejects(mv, (e) => e === why);
  assert.deepEqual(t.pending(), []);
  assert.equal(changes.at(-1)!.type, 'cancelled');
  assert.throws(() => t.confirm(p.promptId), (e: ManualPromptError) => e.code === 'NOT_FOUND');
  // A sensed move and a move waiting for its place are aborted too.
  const ac2 = new AbortController();
  const h2 = await t.feed({ cardId: 4, signal: ac2.signal });
  const sensed = t.moveTo(h2, 'chip', 0, ac2.signal);
  ac2.abort(why);
  await assert.rejects(sensed, (e) => e === why);
  await assert.rejects(t.feed({ cardId: 5, signal: ac2.signal }));
  assert.deepEqual(t.pending(), []);
});

test('a card never placed needs no tray: it was never taken from the stock', async () => {
  const { t, changes } = setup();
  const ac = new AbortController();
  const h = await t.feed({ cardId: 9, signal: ac.signal });
  await t.eject(h, 'reject', ac.signal);
  assert.deepEqual(changes, []);
});

test('the station wiring: no machine and no simulators is a manual workstation; simulators without a machine move cards directly', async () => {
  const dir = tempDir('manual-wiring');
  const demo = await writeDemo({ dir, importSample: false, cards: 1 });
  const raw = JSON.parse(readFileSync(demo.configPath, 'utf8'));
  const simNoMachine = { ...raw, devices: { ...raw.devices, machine: null } };
  const desk = { ...raw, devices: { pcsc: 'sim', readers: [], encoder: null, machine: null, laser: null }, simulation: undefined };
  const open = async (cfg: unknown) => {
    const path = join(dir, 'station.json');
    writeFileSync(path, JSON.stringify(cfg));
    const set = await createDevices({ config: parseConfig(JSON.stringify(cfg), path), products: [], db: null as never, keys: { lookup: () => null } });
    await set.close();
    return set.transport;
  };
  assert.ok((await open(simNoMachine)) instanceof DirectTransport);
  assert.ok((await open(desk)) instanceof ManualTransport);
  assert.ok(!((await open(raw)) instanceof ManualTransport));
});
