import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePtyPair } from '../../support/pty';
import { openSerialPort } from '../../../electron/devices/serial/link';
import { MachineDriver } from '../../../electron/devices/machine/driver';
import { MachineError } from '../../../electron/devices/machine/errors';
import { MachineEmulator } from '../../../electron/sim/machine/emulator';
import { runMachineEmulatorOnTty } from '../../../electron/sim/machine/tty';
import { waitFor } from '../../unit/machine/support';

// Issue 11.2: the machine emulator killed and started again on the same pty. A command times
// out; nobody sends anything after that; the driver must probe, come back online, and not keep
// the stale "No answer to …" text.
test('a machine that stopped answering probes by itself and comes back with no stale error when its emulator returns', async () => {
  const pty = await makePtyPair('machine-probe');
  let emu = await runMachineEmulatorOnTty(pty.b, { hopper: 10 });
  const machine = new MachineDriver(() => openSerialPort({ path: pty.a, baudRate: 115200 }), {
    backoff: { initialMs: 50, maxMs: 400 },
    timeouts: { identify: 300, feed: 300 },
    heartbeatMs: 0, // no heartbeat: only the driver's own probing may bring it back
  });
  try {
    await machine.start();
    assert.equal(machine.status().state, 'online');
    await emu.close();
    await assert.rejects(machine.feed(), (e: unknown) => e instanceof MachineError && e.code === 'TIMEOUT');
    assert.equal(machine.status().state, 'error');
    assert.match(machine.status().message!, /No answer to FEED/);
    await new Promise((r) => setTimeout(r, 800)); // probes go unanswered meanwhile
    assert.notEqual(machine.status().state, 'online');
    emu = await runMachineEmulatorOnTty(pty.b, { emulator: new MachineEmulator(null, { hopper: 10 }) });
    await waitFor(() => machine.status().state === 'online', 8000, 'machine back online');
    assert.doesNotMatch(machine.status().message!, /No answer/);
  } finally {
    await machine.close();
    await emu.close();
    await pty.kill();
  }
});
