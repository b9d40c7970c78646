import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePtyPair } from '../../support/pty';
import { openSerialPort } from '../../../electron/devices/serial/link';
import { GrblLaser } from '../../../electron/devices/laser/driver';
import { createLaserModule } from '../../../electron/devices/laser/laser-module';
import { runLaserEmulatorOnTty } from '../../../electron/sim/laser/tty';
import { expectedSegments, strokeJob, waitFor } from '../../unit/laser/support';
import { stepContext } from '../../unit/machine/support';

// Issue 16.3: a controller that keeps answering <Run|MPos:…> without moving. The watchdog fails
// the card with a reason and leaves the laser in a known state (feed hold + soft reset), where
// before the station waited forever.
test('a laser frozen in Run over a pty: the watchdog fails the card LASER_STALL, feed hold and soft reset, the next card engraves', async () => {
  const pty = await makePtyPair('laser-stall');
  const emu = await runLaserEmulatorOnTty(pty.b, { laserMode: true });
  const laser = new GrblLaser(() => openSerialPort({ path: pty.a, baudRate: 115200 }), { backoff: { initialMs: 50, maxMs: 400 }, pollMs: 50, idlePollMs: 100, stallMs: 600 });
  const gcode = [strokeJob(200, 1), strokeJob(20, 2)];
  const mod = createLaserModule(laser, { jobsFor: (ctx) => [{ side: 'front', gcode: gcode[ctx.cardId - 1] }] });
  try {
    await laser.start();
    assert.equal(laser.status().state, 'online');
    const resets = emu.emulator.stats.resets;
    emu.emulator.injectStall({ afterBlocks: 40 });
    const seen: string[] = [];
    laser.onStatus((s) => seen.push(`${s.state}: ${s.message}`));
    const first = await mod.run(stepContext({ cardId: 1 }));
    assert.equal(!first.ok && first.reason, 'LASER_STALL', JSON.stringify(first));
    assert.match(!first.ok ? first.message : '', /stalled at job line \d+ of \d+: position unchanged for 0\.6 s while the job was not done; feed hold and soft reset sent/);
    assert.ok(seen.some((s) => /^error: The laser stalled/.test(s)), seen.join(' | '));
    await waitFor(() => emu.emulator.stats.resets > resets, 3000, 'the soft reset');
    assert.equal(emu.emulator.isStalled, false);
    assert.equal(emu.emulator.toolpath.length, 40, 'nothing moved after the stall');
    await waitFor(() => laser.status().state === 'online', 3000, 'the laser ready again');
    emu.emulator.clearToolpath();
    const second = await mod.run(stepContext({ cardId: 2 }));
    assert.deepEqual(second, { ok: true });
    assert.deepEqual(emu.emulator.toolpath.map((s) => s.to), expectedSegments(gcode[1]).map((s) => s.to));
  } finally {
    await laser.close();
    await emu.close();
    await pty.kill();
  }
});
