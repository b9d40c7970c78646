import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePtyPair } from '../../support/pty';
import { openSerialPort } from '../../../electron/devices/serial/link';
import { GrblLaser } from '../../../electron/devices/laser/driver';
import { GrblEmulator } from '../../../electron/sim/laser/emulator';
import { runLaserEmulatorOnTty } from '../../../electron/sim/laser/tty';
import { LaserError } from '../../../electron/devices/laser/errors';
import { strokeJob, waitFor } from '../../unit/laser/support';

// Issue 11.2 for the laser: after a refused line the laser itself is fine, and after its
// emulator was killed and started again on the same pty it answers again. In both cases the
// driver must find that out by itself (nobody sends it a job while it shows an error).
test('a laser in error or offline comes back by itself: refused line, then its emulator killed and restarted on the same pty', async () => {
  const pty = await makePtyPair('laser-probe');
  let emu = await runLaserEmulatorOnTty(pty.b, { laserMode: true });
  const laser = new GrblLaser(() => openSerialPort({ path: pty.a, baudRate: 115200 }), { backoff: { initialMs: 50, maxMs: 400 }, pollMs: 50, idlePollMs: 100, silenceMs: 400, resetTimeoutMs: 400 });
  try {
    await laser.start();
    assert.equal(laser.status().state, 'online');
    await assert.rejects(laser.runJob(['G21', 'G90', 'G1 X1 Y1 F100 Q5']), (e: unknown) => e instanceof LaserError && e.code === 'ERROR');
    assert.equal(laser.status().state, 'error');
    assert.match(laser.status().message!, /refused line 3/);
    await waitFor(() => laser.status().state === 'online', 5000, 'online again after the refused line');

    emu.emulator.close(); // the emulator goes away; socat keeps the pty
    await emu.close();
    await waitFor(() => laser.status().state === 'offline', 5000, 'offline once the laser stopped answering');
    emu = await runLaserEmulatorOnTty(pty.b, { emulator: new GrblEmulator(null, { laserMode: true }) });
    await waitFor(() => laser.status().state === 'online', 8000, 'online again with the emulator back');
    assert.match(laser.status().message!, /^Ready/);
    await laser.runJob(strokeJob(5));
  } finally {
    await laser.close();
    await emu.close();
    await pty.kill();
  }
});
