import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePtyPair } from '../../support/pty';
import { openSerialPort } from '../../../electron/devices/serial/link';
import { MsrEncoder } from '../../../electron/devices/msr/driver';
import { runEncoderEmulatorOnTty } from '../../../electron/sim/msr/tty';
import { DeviceTimeoutError } from '../../../electron/devices/errors';
import { waitFor } from '../../unit/magstripe/rig';

// Issue 11.2: the encoder emulator killed and started again on the same pty. The card at the
// stripe fails MSR_TIMEOUT; then nobody sends the encoder anything, and it must come back by
// probing on its own.
test('an encoder in error after a timeout probes by itself and comes back when its emulator returns on the same pty', async () => {
  const pair = await makePtyPair('msr-probe');
  let emu = await runEncoderEmulatorOnTty(pair.b);
  const enc = new MsrEncoder({ id: 'msr-probe', link: await openSerialPort({ path: pair.a, baudRate: 9600 }), commandTimeoutMs: 200, cardTimeoutMs: 300, reopenMs: 50 });
  try {
    await enc.start();
    assert.equal(enc.status().state, 'online');
    await emu.stop(); // the emulator process is gone; socat keeps the pty
    await assert.rejects(enc.writeTracks([null, '4111111111111111=2512201', null]), DeviceTimeoutError);
    assert.equal(enc.status().state, 'error');
    await new Promise((r) => setTimeout(r, 600)); // a few probes go unanswered
    assert.notEqual(enc.status().state, 'online');
    emu = await runEncoderEmulatorOnTty(pair.b);
    const commandsBefore = emu.emulator.stats.commands;
    await waitFor('the encoder back online', () => enc.status().state === 'online', 8000);
    assert.equal(enc.status().message, 'ready');
    assert.ok(emu.emulator.stats.commands > commandsBefore, 'the driver probed the encoder');
  } finally {
    await enc.close();
    await emu.stop();
    await pair.kill();
  }
});
