import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMagstripeModule } from '../../../electron/devices/msr/module';
import type { StepContext, StepOutcome } from '../../../electron/core/engine/step';
import { blankStripe, type SimCard } from '../../../electron/sim/world';
import type { CardRecord } from '../../../shared/domain/record';
import type { Product } from '../../../shared/domain/product';
import { product, record } from './fixtures';
import { rig } from './rig';

function ctx(rec: CardRecord, prod: Product, signal = new AbortController().signal) {
  const notes: Record<string, string | number | boolean>[] = [];
  const progress: string[] = [];
  const c: StepContext = {
    cardId: 1, batchId: 'B1', recordIndex: 0, record: rec, product: prod, slot: 1, attempt: 1, signal,
    progress: (_f, note) => note && progress.push(note),
    note: (f) => notes.push(f),
  };
  return { c, notes, progress };
}

function assertNoData(o: StepOutcome) {
  const text = JSON.stringify(o.ok ? {} : o);
  assert.ok(!/4111111111111111|DOE|2512201/.test(text), text);
}

test('encodes, verifies and returns the read-back PAN and expiry', async () => {
  const card: SimCard = { serial: 7, chip: null, stripe: blankStripe(), surface: [] };
  const { enc, emu } = rig({ getCard: () => card });
  await enc.start();
  const mod = createMagstripeModule(enc);
  assert.equal(mod.kind, 'magstripe');
  assert.equal(mod.slots, 1);
  assert.deepEqual(mod.deviceIds, ['msr1']);
  const { c, notes, progress } = ctx(record({ track1Discretionary: '0000000777', track2Discretionary: '000777' }), product({ coercivity: 'lo' }));
  const out = await mod.run(c);
  assert.deepEqual(out, { ok: true, readBack: { pan: '4111111111111111', expiry: '2512' } });
  assert.deepEqual(card.stripe.tracks, ['B4111111111111111^DOE/JOHN^25122010000000777', '4111111111111111=2512201000777', null]);
  assert.equal(card.stripe.coercivity, 'lo');
  assert.equal(emu.coercivity, 'lo');
  assert.deepEqual(notes.at(-1), { msrWrites: 1, msrReads: 1, coercivity: 'lo' });
  assert.deepEqual(progress, ['Lo-Co', 'writing', 'verifying', 'verified']);
  await enc.close();
});

test('one mismatch is retried; a second fails the card with MSR_VERIFY_MISMATCH', async () => {
  const { enc, emu } = rig();
  await enc.start();
  const mod = createMagstripeModule(enc);
  emu.faults.garbleRead = 1;
  const once = await mod.run(ctx(record(), product()).c);
  assert.equal(once.ok, true);
  assert.equal(emu.stats.writes, 2);
  emu.faults.garbleRead = 2;
  const { c, notes } = ctx(record(), product());
  const twice = await mod.run(c);
  assert.equal(twice.ok, false);
  assert.equal(!twice.ok && twice.reason, 'MSR_VERIFY_MISMATCH');
  assert.match(!twice.ok ? twice.message : '', /^track 1 read back differs from what was written \(after 2 writes\)$/);
  assert.deepEqual(notes.at(-1), { msrWrites: 2, msrReads: 2 });
  assertNoData(twice);
  // An unreadable stripe twice in a row is a failed verification too.
  emu.faults.readError = 2;
  const unreadable = await mod.run(ctx(record(), product()).c);
  assert.equal(!unreadable.ok && unreadable.reason, 'MSR_VERIFY_MISMATCH');
  await enc.close();
});

test('device faults map to their reasons without track data in the message', async () => {
  const { enc, emu } = rig();
  await enc.start();
  const mod = createMagstripeModule(enc);
  const cases: [() => void, string][] = [
    [() => (emu.faults.writeError = 1), 'MSR_WRITE_ERROR'],
    [() => (emu.faults.noCard = 1), 'MSR_NO_CARD'],
    [() => (emu.faults.silent = 1), 'MSR_TIMEOUT'],
  ];
  for (const [arm, reason] of cases) {
    arm();
    const out = await mod.run(ctx(record(), product()).c);
    assert.equal(!out.ok && out.reason, reason);
    assertNoData(out);
  }
  emu.unplug();
  const offline = await mod.run(ctx(record(), product()).c);
  assert.equal(!offline.ok && offline.reason, 'MSR_OFFLINE');
  assertNoData(offline);
  await enc.close();
});

test('an encoder that refuses a command gives MSR_DEVICE_ERROR', async () => {
  const { enc, far } = rig();
  await enc.start();
  // From now on the far end answers "invalid command" to everything, as a foreign device would.
  far.onData(() => far.write(Buffer.from([0x1b, 0x34])));
  const out = await createMagstripeModule(enc).run(ctx(record(), product({ coercivity: 'lo' })).c);
  assert.equal(!out.ok && out.reason, 'MSR_DEVICE_ERROR');
  assert.match(!out.ok ? out.message : '', /set Lo-Co failed: invalid command \(status 34\)/);
  await enc.close();
});

test('an invalid record fails with DATA_INVALID before touching the encoder', async () => {
  const { enc, emu } = rig();
  await enc.start();
  const bad = { ...record(), name: 'john doe', track2Discretionary: '12?' };
  const out = await createMagstripeModule(enc).run(ctx(bad, product()).c);
  assert.equal(!out.ok && out.reason, 'DATA_INVALID');
  assert.equal(!out.ok && out.retryable, false);
  assert.match(!out.ok ? out.message : '', /record 1 \(R-0001\), name: .*; record 1 \(R-0001\), track2Discretionary:/);
  assertNoData(out);
  assert.equal(emu.stats.writes, 0);
  await enc.close();
});

test('an aborted step stops before the next device action', async () => {
  const { enc, emu } = rig();
  await enc.start();
  const ac = new AbortController();
  ac.abort();
  const out = await createMagstripeModule(enc).run(ctx(record(), product(), ac.signal).c);
  assert.equal(!out.ok && out.reason, 'OPERATOR_STOP');
  assert.equal(emu.stats.writes, 0);
  await enc.close();
});
