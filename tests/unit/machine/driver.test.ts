import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rig, waitFor } from './support';
import { MachineError } from '../../../electron/devices/machine/errors';
import { MachineTransport } from '../../../electron/devices/machine/transport';
import type { SimCard } from '../../../electron/sim/world';

const never = new AbortController().signal;

test('identifies, feeds, moves through every station and ejects, inserting the chip at the chip station', async () => {
  const chip: Array<[number, number | null]> = [];
  const r = await rig({ chipStations: 3, hopper: 5, onChipStation: (slot, card) => void chip.push([slot, card ? card.serial : null]) });
  assert.equal(r.machine.status().state, 'online');
  assert.equal(r.machine.info?.chipStations, 3);
  const t = new MachineTransport(r.machine);
  const h = await t.feed({ cardId: 42, signal: never });
  assert.equal(t.cardOf(h), 42);
  await t.moveTo(h, 'chip', 2, never);
  const card = r.emulator.cardAt('chip:2') as SimCard;
  assert.ok(card);
  await t.moveTo(h, 'magstripe', 0, never);
  assert.equal(r.emulator.cardAt('chip:2'), null);
  assert.equal(r.emulator.cardAt('encoder'), card);
  await t.moveTo(h, 'emboss', 0, never);
  assert.equal(r.emulator.cardAt('embosser'), card);
  await t.moveTo(h, 'laser', 0, never);
  assert.equal(r.emulator.cardAt('laser'), card);
  await t.eject(h, 'good', never);
  assert.deepEqual(r.emulator.bins.good, [card]);
  assert.deepEqual(chip, [[2, card.serial], [2, null]]);
  assert.equal(r.emulator.hopper, 4);
  assert.equal(r.machine.status().state, 'online');
  await r.machine.close();
  assert.equal(r.machine.status().state, 'offline');
});

test('shows busy while a command runs, then online again', async () => {
  const r = await rig({ timeScale: 1, times: { feed: 60 } });
  const states: string[] = [];
  r.machine.onStatus((s) => states.push(s.state));
  await r.machine.feed();
  assert.deepEqual(states, ['busy', 'online']);
  await r.machine.close();
});

test('a jam fails the move with JAM, shows the jam, and after clearing and RECOVER the next card goes through', async () => {
  const r = await rig();
  const h1 = await r.machine.feed();
  r.emulator.jamAtNextMove();
  await assert.rejects(r.machine.move(h1, 'CHIP', 0), (e: unknown) => e instanceof MachineError && e.code === 'JAM');
  assert.equal(r.machine.status().state, 'error');
  assert.match(r.machine.status().message!, /jam/i);
  assert.match(r.machine.status().action!, /clear the jam/i);
  // Still jammed: nothing moves.
  await assert.rejects(r.machine.feed(), (e: unknown) => e instanceof MachineError && e.code === 'JAM');
  r.emulator.clearJam();
  await waitFor(() => /waits for Recover/.test(r.machine.status().message ?? ''), 2000, 'cleared jam shown');
  await assert.rejects(r.machine.feed(), (e: unknown) => e instanceof MachineError && e.code === 'JAM');
  const { lost } = await r.machine.recover();
  assert.deepEqual(lost, [h1]);
  assert.equal(r.machine.status().state, 'online');
  const h2 = await r.machine.feed();
  await r.machine.move(h2, 'CHIP', 0);
  await r.machine.eject(h2, 'GOOD');
  assert.equal(r.emulator.bins.good.length, 1);
  assert.equal(r.emulator.bins.removed.length, 1);
  await r.machine.close();
});

test('RECOVER before the jam is cleared is refused with JAM', async () => {
  const r = await rig();
  await r.machine.feed();
  r.emulator.jamNow();
  await waitFor(() => r.machine.status().state === 'error', 2000, 'jam event');
  await assert.rejects(r.machine.recover(), (e: unknown) => e instanceof MachineError && e.code === 'JAM');
  await r.machine.close();
});

test('an empty hopper fails FEED with HOPPER_EMPTY until cards are loaded', async () => {
  const r = await rig({ hopper: 1 });
  const h = await r.machine.feed();
  await r.machine.move(h, 'CHIP', 0);
  await assert.rejects(r.machine.feed(), (e: unknown) => e instanceof MachineError && e.code === 'HOPPER_EMPTY');
  assert.equal(r.machine.status().state, 'error');
  assert.match(r.machine.status().action!, /load blank cards/i);
  r.emulator.loadHopper(10);
  await waitFor(() => r.machine.status().state === 'online', 2000, 'hopper loaded');
  assert.ok((await r.machine.feed()) > 0);
  await r.machine.close();
});

test('an open cover stops motion with COVER_OPEN; closing it brings the machine back without RECOVER', async () => {
  const r = await rig();
  const h = await r.machine.feed();
  r.emulator.openCover();
  await waitFor(() => r.machine.status().state === 'error', 2000, 'cover event');
  assert.match(r.machine.status().action!, /close the cover/i);
  await assert.rejects(r.machine.move(h, 'ENCODER', 0), (e: unknown) => e instanceof MachineError && e.code === 'COVER_OPEN');
  r.emulator.closeCover();
  await waitFor(() => r.machine.status().state === 'online', 2000, 'cover closed');
  await r.machine.move(h, 'ENCODER', 0);
  await r.machine.close();
});

test('a silent machine times out with TIMEOUT and a late answer does not confuse the next command', async () => {
  const r = await rig({ timeScale: 1, times: { move: 150, eject: 10 } }, { timeouts: { move: 50 } });
  const h = await r.machine.feed();
  await assert.rejects(r.machine.move(h, 'CHIP', 0), (e: unknown) => e instanceof MachineError && e.code === 'TIMEOUT');
  assert.equal(r.machine.status().state, 'error');
  assert.match(r.machine.status().message!, /No answer to MOVE/);
  const s = await r.machine.queryStatus();
  assert.deepEqual(s.faults, []);
  await new Promise((res) => setTimeout(res, 150));
  await r.machine.eject(h, 'REJECT');
  assert.equal(r.emulator.bins.reject.length, 1);
  assert.equal(r.machine.status().state, 'online');
  await r.machine.close();
});

test('unplugged: offline at once, commands fail OFFLINE, and it reconnects by itself when plugged back', async () => {
  const r = await rig();
  const h = await r.machine.feed();
  r.emulator.unplug();
  await waitFor(() => r.machine.status().state === 'offline', 1000, 'offline');
  assert.match(r.machine.status().action!, /cable/i);
  await assert.rejects(r.machine.move(h, 'CHIP', 0), (e: unknown) => e instanceof MachineError && e.code === 'OFFLINE');
  r.emulator.plug();
  await waitFor(() => r.machine.status().state === 'online', 3000, 'back online');
  await r.machine.move(h, 'CHIP', 0);
  await r.machine.close();
});

test('a command in flight when the cable goes fails with OFFLINE, not a hang', async () => {
  const r = await rig({ timeScale: 1, times: { move: 200 } });
  const h = await r.machine.feed();
  const p = r.machine.move(h, 'CHIP', 1);
  setTimeout(() => r.emulator.unplug(), 20);
  await assert.rejects(p, (e: unknown) => e instanceof MachineError && e.code === 'OFFLINE');
  await r.machine.close();
});

test('start() resolves while the port is missing; the driver keeps trying and comes online', async () => {
  const { createMemoryLink } = await import('../../../electron/devices/serial/link');
  const { MachineDriver } = await import('../../../electron/devices/machine/driver');
  const { MachineEmulator } = await import('../../../electron/sim/machine/emulator');
  const { link, far } = createMemoryLink('mem:late');
  far.unplug();
  new MachineEmulator(far);
  const m = new MachineDriver(link, { backoff: { initialMs: 10, maxMs: 20 } });
  await m.start();
  assert.equal(m.status().state, 'offline');
  far.plug();
  await waitFor(() => m.status().state === 'online', 2000, 'online');
  await m.close();
});

test('a signal cancels a command still waiting its turn; a command already on the wire is answered', async () => {
  const r = await rig({ timeScale: 1, times: { feed: 300 } });
  try {
    const ac = new AbortController();
    const first = r.machine.feed(ac.signal);
    const second = r.machine.feed(ac.signal);
    setTimeout(() => ac.abort(), 20);
    // The machine takes the blank either way: the station must hear which one it took.
    assert.ok((await first) > 0);
    await assert.rejects(second, (e: unknown) => e instanceof MachineError && /cancelled/.test(e.message) && e.detail.sent === 0);
    assert.equal(r.emulator.cardsInPath().length, 1);
  } finally {
    await r.machine.close();
  }
});

test('an engine command refused while a cover is open waits and goes out once it is closed; the card is not failed', async () => {
  const r = await rig();
  const go = new AbortController().signal;
  const h = await r.machine.feed(go);
  r.emulator.openCover();
  await waitFor(() => r.machine.status().state === 'error', 2000, 'cover event');
  let done = false;
  const moved = r.machine.move(h, 'ENCODER', 0, go).then(() => (done = true));
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(done, false);
  r.emulator.closeCover();
  await moved;
  assert.deepEqual(r.emulator.cardsInPath().map((c) => c.pos), ['ENCODER']);
  await r.machine.close();
});

test('a jam: only the jammed card fails; another card refused meanwhile waits for the operator to clear it and press Recover, which the panel offers', async () => {
  const r = await rig();
  const go = new AbortController().signal;
  const a = await r.machine.feed(go);
  await r.machine.move(a, 'CHIP', 0, go);
  const b = await r.machine.feed(go);
  r.emulator.jamAtNextMove();
  await assert.rejects(r.machine.move(b, 'CHIP', 1, go), (e: unknown) => e instanceof MachineError && e.code === 'JAM' && e.detail.jammed === b);
  const moved = r.machine.move(a, 'ENCODER', 0, go);
  r.emulator.clearJam();
  await waitFor(() => (r.machine.status().commands ?? []).includes('recover'), 2000, 'recover offered');
  await r.machine.perform('recover');
  await moved;
  assert.equal(r.machine.wasRemoved(b), true);
  assert.equal(r.machine.wasRemoved(a), false);
  assert.deepEqual(r.emulator.cardsInPath().map((c) => c.pos), ['ENCODER']);
  await r.machine.close();
});

test('a stop ends the wait of a refused command, nothing sent (sent: 0)', async () => {
  const r = await rig();
  const stop = new AbortController();
  const h = await r.machine.feed(stop.signal);
  r.emulator.openCover();
  await waitFor(() => r.machine.status().state === 'error', 2000, 'cover event');
  const moved = r.machine.move(h, 'ENCODER', 0, stop.signal);
  await new Promise((res) => setTimeout(res, 20));
  stop.abort();
  await assert.rejects(moved, (e: unknown) => e instanceof MachineError && e.detail.sent === 0);
  await r.machine.close();
});

test('a card that jammed where it sat fails its own next command at once (JAM, jammed); once Recover named it lost nothing is sent for it', async () => {
  const r = await rig();
  const go = new AbortController().signal;
  const a = await r.machine.feed(go);
  await r.machine.move(a, 'CHIP', 0, go);
  r.emulator.jamNow(a);
  await waitFor(() => r.machine.status().state === 'error', 2000, 'jam event');
  await assert.rejects(r.machine.move(a, 'ENCODER', 0, go), (e: unknown) => e instanceof MachineError && e.code === 'JAM' && e.detail.jammed === a);
  r.emulator.clearJam();
  await waitFor(() => (r.machine.status().commands ?? []).includes('recover'), 2000, 'recover offered');
  await r.machine.perform('recover');
  const sent = r.emulator.commandLog.length;
  await assert.rejects(r.machine.move(a, 'ENCODER', 0, go), (e: unknown) => e instanceof MachineError && e.code === 'JAM' && e.detail.jammed === a);
  assert.equal(r.emulator.commandLog.length, sent);
  await r.machine.close();
});
