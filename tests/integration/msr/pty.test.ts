import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { makePtyPair, makePtyPairAt, type PtyPair } from '../../support/pty';
import { openSerialPort } from '../../../electron/devices/serial/link';
import { MsrEncoder } from '../../../electron/devices/msr/driver';
import { createMagstripeModule } from '../../../electron/devices/msr/module';
import { runEncoderEmulatorOnTty, type TtyEncoderEmulator } from '../../../electron/sim/msr/tty';
import type { StepContext, StepOutcome } from '../../../electron/core/engine/step';
import { DeviceError, DeviceTimeoutError } from '../../../electron/devices/errors';
import { blankStripe, type SimCard } from '../../../electron/sim/world';
import { CardRecordSchema, type CardRecord } from '../../../shared/domain/record';
import { ProductSchema } from '../../../shared/domain/product';
import { luhnCheckDigit } from '../../../shared/domain/pan';

// The driver on one end of a real socat pty pair (opened with serialport), the MSR605
// emulator on the other end (opened with serialport too, in this process).

const product = ProductSchema.parse({ id: 'msr-it', name: 'Stripe IT', steps: ['magstripe'], magstripe: { tracks: [1, 2], coercivity: 'hi' } });
const recordNo = (i: number): CardRecord => {
  const partial = '400000' + String(100000000 + i).slice(-9);
  return CardRecordSchema.parse({ recordId: `R${i}`, pan: partial + luhnCheckDigit(partial), expiry: '2711', name: `TESTER/CARD ${i}`, track2Discretionary: '0000' + i });
};
const ctxFor = (i: number): StepContext => ({
  cardId: i, batchId: 'IT', recordIndex: i - 1, record: recordNo(i), product, slot: 1, attempt: 1, signal: new AbortController().signal,
  progress: () => {}, note: () => {},
});

async function waitFor(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

async function setup(name: string, emOpts: Parameters<typeof runEncoderEmulatorOnTty>[1] = {}) {
  const pair = await makePtyPair(name);
  const emu = await runEncoderEmulatorOnTty(pair.b, emOpts);
  const link = await openSerialPort({ path: pair.a, baudRate: 9600 });
  const enc = new MsrEncoder({ id: 'msr-pty', link, commandTimeoutMs: 500, cardTimeoutMs: 1000, reopenMs: 100 });
  const state = { pair, emu };
  cleanup.push(async () => {
    await enc.close();
    await state.emu.stop();
    await state.pair.kill();
  });
  await enc.start();
  return { state, enc };
}

test('every command and fault over a real pty', async () => {
  const card: SimCard = { serial: 1, chip: null, stripe: blankStripe(), surface: [] };
  const { state, enc } = await setup('msr-cmd', { getCard: () => card });
  const em = state.emu.emulator;
  assert.equal(enc.status().state, 'online');
  await enc.communicationTest();
  await enc.setCoercivity('lo');
  assert.equal(await enc.getCoercivity(), 'lo');
  await enc.setCoercivity('hi');
  const t1 = 'B4111111111111111^DOE/JOHN^2512201';
  const t2 = '4111111111111111=2512201';
  await enc.writeTracks([t1, t2, '0123=456']);
  assert.deepEqual(card.stripe.tracks, [t1, t2, '0123=456']);
  assert.deepEqual(await enc.readTracks(), [t1, t2, '0123=456']);
  await enc.erase([3]);
  assert.deepEqual(await enc.readTracks(), [t1, t2, null]);

  em.faults.writeError = 1;
  await assert.rejects(enc.writeTracks([t1, t2, null]), (e: DeviceError) => e.code === 'READ_WRITE_ERROR');
  em.faults.noCard = 1;
  await assert.rejects(enc.readTracks(), (e: DeviceError) => e.code === 'NO_CARD');
  em.faults.silent = 1;
  await assert.rejects(enc.readTracks(), DeviceTimeoutError);
  assert.equal(enc.status().state, 'error');
  em.faults.chunked = true;
  em.faults.noise = true;
  assert.deepEqual(await enc.readTracks(), [t1, t2, null]);
  assert.equal(enc.status().state, 'online');
  em.faults.chunked = false;
  em.faults.noise = false;

  const mod = createMagstripeModule(enc);
  em.faults.garbleRead = 2;
  const mismatch = await mod.run(ctxFor(1));
  assert.equal(!mismatch.ok && mismatch.reason, 'MSR_VERIFY_MISMATCH');
  em.faults.noCard = 1;
  const noCard = await mod.run(ctxFor(1));
  assert.equal(!noCard.ok && noCard.reason, 'MSR_NO_CARD');
  const good = await mod.run(ctxFor(1));
  assert.deepEqual(good, { ok: true, readBack: { pan: recordNo(1).pan, expiry: '2711' } });
});

test('socat killed mid-batch: that card fails MSR_OFFLINE, the encoder goes offline, and the batch goes on when the pty returns', async () => {
  let current: SimCard | null = null;
  const getCard = () => current;
  const { state, enc } = await setup('msr-unplug', { getCard, delays: { writeMs: 150 } });
  const { a, b } = state.pair;
  const mod = createMagstripeModule(enc);
  const states: string[] = [];
  enc.onStatus((s) => states.push(s.state));
  const outcomes: StepOutcome[] = [];
  const cards: SimCard[] = [];

  const encodeCard = async (i: number, midway?: () => Promise<void>) => {
    current = { serial: i, chip: null, stripe: blankStripe(), surface: [] };
    cards.push(current);
    const run = mod.run(ctxFor(i));
    if (midway) await midway();
    outcomes.push(await run);
  };

  for (let i = 1; i <= 2; i++) await encodeCard(i);
  const writesBefore = state.emu.emulator.stats.writes;
  await encodeCard(3, async () => {
    // The write reached the encoder; pull the plug while it is working on the card.
    await waitFor('write 3 at the encoder', () => state.emu.emulator.stats.writes > writesBefore);
    await state.pair.kill();
  });
  assert.equal(outcomes[2].ok, false);
  assert.equal(!outcomes[2].ok && outcomes[2].reason, 'MSR_OFFLINE');
  assert.ok(!JSON.stringify(outcomes[2]).includes(recordNo(3).pan));
  await waitFor('offline', () => enc.status().state === 'offline');

  // While the port is gone, a card fails fast as offline instead of hanging.
  await encodeCard(4);
  assert.equal(!outcomes[3].ok && outcomes[3].reason, 'MSR_OFFLINE');

  // The pty comes back at the same paths with a fresh emulator; the driver is not restarted.
  await state.emu.stop();
  state.pair = await makePtyPairAt(a, b);
  state.emu = await runEncoderEmulatorOnTty(b, { getCard, delays: { writeMs: 150 } });
  await waitFor('online again', () => enc.status().state === 'online', 10_000);

  for (let i = 5; i <= 7; i++) await encodeCard(i);
  assert.deepEqual(outcomes.map((o) => o.ok), [true, true, false, false, true, true, true]);
  for (const i of [5, 6, 7]) assert.equal(cards[i - 1].stripe.tracks[1], `${recordNo(i).pan}=2711201` + '0000' + i);
  assert.ok(states.includes('offline'));
  assert.equal(states.at(-1), 'online');
});
