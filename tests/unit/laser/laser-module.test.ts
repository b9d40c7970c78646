import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedSegments, laserRig, strokeJob } from './support';
import { stepContext } from '../machine/support';
import { createLaserModule } from '../../../electron/devices/laser/laser-module';

test('engraves front then back jobs and notes the size of the work', async () => {
  const r = await laserRig({ laserMode: true });
  const front = strokeJob(20, 1);
  const back = strokeJob(10, 2);
  const mod = createLaserModule(r.laser, { jobsFor: () => [{ side: 'front', gcode: front }, { side: 'back', gcode: back }] });
  assert.equal(mod.kind, 'laser');
  assert.deepEqual(mod.deviceIds, ['laser']);
  const ctx = stepContext();
  assert.deepEqual(await mod.run(ctx), { ok: true });
  assert.deepEqual(r.emulator.toolpath.map((s) => s.to), [...expectedSegments(front), ...expectedSegments(back)].map((s) => s.to));
  assert.equal(ctx.notes.at(-1)?.gcodeLines, front.length + back.length);
  await r.laser.close();
});

test('an alarm mid-job fails the card with LASER_ALARM, not retryable; after recover the next card is fine', async () => {
  const r = await laserRig({ laserMode: true });
  const mod = createLaserModule(r.laser, { jobsFor: () => [{ side: 'front', gcode: strokeJob(60) }] });
  r.emulator.injectAlarm(1, { afterBlocks: 30 });
  const out = await mod.run(stepContext());
  assert.equal(!out.ok && out.reason, 'LASER_ALARM');
  assert.equal(!out.ok && out.retryable, false);
  const locked = await mod.run(stepContext({ cardId: 2 }));
  assert.equal(!locked.ok && locked.reason, 'LASER_ALARM');
  assert.equal(!locked.ok && locked.retryable, true, 'nothing was engraved on this card');
  await r.laser.recover();
  assert.deepEqual(await mod.run(stepContext({ cardId: 3 })), { ok: true });
  await r.laser.close();
});

test('maps offline, refused lines and bad layouts to their reasons', async () => {
  const r = await laserRig({ laserMode: true });
  const bad = createLaserModule(r.laser, { jobsFor: () => [{ side: 'front', gcode: ['G21', 'G2 X1 Y1 I1'] }] });
  const refused = await bad.run(stepContext());
  assert.equal(!refused.ok && refused.reason, 'LASER_ERROR');
  const broken = createLaserModule(r.laser, {
    jobsFor: () => {
      throw new Error('no glyph for 4111111111111111');
    },
  });
  const invalid = await broken.run(stepContext());
  assert.equal(!invalid.ok && invalid.reason, 'DATA_INVALID');
  assert.ok(!JSON.stringify(invalid).includes('4111'));
  r.emulator.unplug();
  const ok = createLaserModule(r.laser, { jobsFor: () => [{ side: 'front', gcode: strokeJob(2) }] });
  const off = await ok.run(stepContext());
  assert.equal(!off.ok && off.reason, 'LASER_OFFLINE');
  await r.laser.close();
});
