import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePtyPair, makePtyPairAt } from '../../support/pty';
import { openSerialPort } from '../../../electron/devices/serial/link';
import { GrblLaser } from '../../../electron/devices/laser/driver';
import { createLaserModule } from '../../../electron/devices/laser/laser-module';
import { GRBL_RX_BUFFER } from '../../../electron/devices/laser/grbl';
import { runLaserEmulatorOnTty } from '../../../electron/sim/laser/tty';
import { expectedSegments, strokeJob, waitFor } from '../../unit/laser/support';
import { stepContext } from '../../unit/machine/support';

test('a laser alarm mid-job over a real pty: the card fails LASER_ALARM, unlock, the next job is fine', async () => {
  const pty = await makePtyPair('laser');
  const emu = await runLaserEmulatorOnTty(pty.b, { laserMode: false });
  const laser = new GrblLaser(() => openSerialPort({ path: pty.a, baudRate: 115200 }), { backoff: { initialMs: 50, maxMs: 400 }, pollMs: 50 });
  try {
    await laser.start();
    assert.equal(laser.status().state, 'online');
    assert.equal(emu.emulator.laserMode, true, 'the driver switched laser mode on');
    let card = 0;
    const gcode = [strokeJob(150, 1), strokeJob(150, 2), strokeJob(150, 3)];
    const mod = createLaserModule(laser, { jobsFor: (ctx) => [{ side: 'front', gcode: gcode[ctx.cardId - 1] }] });
    const first = await mod.run(stepContext({ cardId: ++card }));
    assert.deepEqual(first, { ok: true });
    assert.deepEqual(emu.emulator.toolpath.map((s) => [s.to, s.power]), expectedSegments(gcode[0]).map((s) => [s.to, s.power]));
    emu.emulator.clearToolpath();
    emu.emulator.injectAlarm(1, { afterBlocks: 100 });
    const second = await mod.run(stepContext({ cardId: ++card }));
    assert.equal(!second.ok && second.reason, 'LASER_ALARM');
    assert.equal(laser.status().state, 'error');
    assert.match(laser.status().message!, /ALARM:1/);
    assert.equal(emu.emulator.toolpath.length, 100, 'the beam stopped at the alarm');
    await laser.recover();
    assert.equal(laser.status().state, 'online');
    emu.emulator.clearToolpath();
    const third = await mod.run(stepContext({ cardId: ++card }));
    assert.deepEqual(third, { ok: true });
    assert.deepEqual(emu.emulator.toolpath.map((s) => s.to), expectedSegments(gcode[2]).map((s) => s.to));
    assert.equal(emu.emulator.stats.overflowBytes, 0);
    assert.ok(emu.emulator.stats.maxUnacked <= GRBL_RX_BUFFER);
  } finally {
    await laser.close();
    await emu.close();
    await pty.kill();
  }
});

test('the laser unplugged (socat gone) goes offline and comes back by itself', async () => {
  let pty = await makePtyPair('laser-unplug');
  let emu = await runLaserEmulatorOnTty(pty.b, { laserMode: true });
  const emulator = emu.emulator;
  const laser = new GrblLaser(() => openSerialPort({ path: pty.a, baudRate: 115200 }), { backoff: { initialMs: 50, maxMs: 300 }, pollMs: 50, idlePollMs: 100 });
  try {
    await laser.start();
    await laser.runJob(strokeJob(20));
    await pty.kill();
    await waitFor(() => laser.status().state === 'offline', 3000, 'offline');
    await assert.rejects(laser.runJob(strokeJob(2)), (e: unknown) => (e as { code?: string }).code === 'OFFLINE');
    pty = await makePtyPairAt(pty.a, pty.b);
    emu = await runLaserEmulatorOnTty(pty.b, { emulator });
    await waitFor(() => laser.status().state === 'online', 5000, 'back online');
    emulator.clearToolpath();
    const job = strokeJob(20, 9);
    await laser.runJob(job);
    assert.equal(emulator.toolpath.length, expectedSegments(job).length);
  } finally {
    await laser.close();
    await emu.close();
    await pty.kill();
  }
});
