import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePtyPair, makePtyPairAt } from '../../support/pty';
import { openSerialPort } from '../../../electron/devices/serial/link';
import { MachineDriver } from '../../../electron/devices/machine/driver';
import { MachineTransport } from '../../../electron/devices/machine/transport';
import { createEmbossModule } from '../../../electron/devices/machine/emboss-module';
import { machineReason } from '../../../electron/devices/machine/errors';
import { runMachineEmulatorOnTty } from '../../../electron/sim/machine/tty';
import type { EmbossJob } from '../../../shared/layout/jobs';
import type { ReasonCode } from '../../../shared/domain/reasons';
import { record, stepContext, waitFor } from '../../unit/machine/support';

const PANS = ['4111111111111111', '5555555555554444', '4012888888881881', '378282246310005', '6011111111111117'];
const jobs = (pan: string): EmbossJob[] => [
  { kind: 'emboss', side: 'front', font: '7B', x: 10.5, y: 21.42, pitch: 3.63, text: pan },
  { kind: 'emboss', side: 'front', font: '1B', x: 10.5, y: 6, pitch: 2.54, text: 'JANE DOE' },
];

test('a jam in the middle of a batch over a real pty: that card fails MACHINE_JAM, recovery, the next cards go through', async () => {
  const pty = await makePtyPair('machine');
  const emu = await runMachineEmulatorOnTty(pty.b, { chipStations: 2, hopper: 50 });
  const machine = new MachineDriver(() => openSerialPort({ path: pty.a, baudRate: 115200 }), { backoff: { initialMs: 50, maxMs: 400 } });
  try {
    await machine.start();
    assert.equal(machine.status().state, 'online');
    const transport = new MachineTransport(machine);
    const emboss = createEmbossModule(machine, { jobsFor: (ctx) => jobs(ctx.record.pan) });
    const signal = new AbortController().signal;
    const results: Array<ReasonCode | 'GOOD'> = [];
    const states: string[] = [];
    machine.onStatus((s) => states.push(s.state));
    for (const [i, pan] of PANS.entries()) {
      if (i === 2) emu.emulator.jamAtNextMove();
      let handle: number | null = null;
      try {
        handle = await transport.feed({ cardId: i + 1, signal });
        await transport.moveTo(handle, 'chip', i % 2, signal);
        await transport.moveTo(handle, 'emboss', 0, signal);
        const out = await emboss.run(stepContext({ cardId: i + 1, record: record({ pan }) }));
        if (!out.ok) throw Object.assign(new Error(out.message), { reason: out.reason });
        await transport.eject(handle, 'good', signal);
        results.push('GOOD');
      } catch (e) {
        results.push(machineReason(e));
        assert.equal(machine.status().state, 'error');
        assert.match(machine.status().message!, /jam/i);
        assert.ok(!JSON.stringify(machine.status()).includes(pan.slice(6, 12)));
        // The operator opens the machine, takes the card out and the station recovers.
        emu.emulator.clearJam();
        await waitFor(() => /Recover/.test(machine.status().message ?? ''), 3000, 'jam cleared');
        const { lost } = await machine.recover();
        assert.deepEqual(lost, [handle ?? i + 1]);
        assert.equal(machine.status().state, 'online');
      }
    }
    assert.deepEqual(results, ['GOOD', 'GOOD', 'MACHINE_JAM', 'GOOD', 'GOOD']);
    assert.ok(states.includes('error'));
    const good = emu.emulator.bins.good;
    assert.equal(good.length, 4);
    assert.deepEqual(
      good.map((c) => c.surface.find((m) => m.kind === 'emboss' && m.detail.font === '7B')?.detail.text),
      [PANS[0], PANS[1], PANS[3], PANS[4]],
    );
    assert.ok(good.every((c) => c.surface.some((m) => m.kind === 'topping')));
    assert.equal(emu.emulator.bins.removed.length, 1);
  } finally {
    await machine.close();
    await emu.close();
    await pty.kill();
  }
});

test('unplugged (socat gone) the machine goes offline; when the pty comes back it reconnects by itself', async () => {
  let pty = await makePtyPair('machine-unplug');
  let emu = await runMachineEmulatorOnTty(pty.b, { hopper: 10 });
  const emulator = emu.emulator;
  const machine = new MachineDriver(() => openSerialPort({ path: pty.a, baudRate: 115200 }), { backoff: { initialMs: 50, maxMs: 300 } });
  try {
    await machine.start();
    const h = await machine.feed();
    await pty.kill();
    await waitFor(() => machine.status().state === 'offline', 3000, 'offline');
    await assert.rejects(machine.move(h, 'CHIP', 0), (e: unknown) => machineReason(e) === 'MACHINE_OFFLINE');
    pty = await makePtyPairAt(pty.a, pty.b);
    emu = await runMachineEmulatorOnTty(pty.b, { emulator });
    await waitFor(() => machine.status().state === 'online', 5000, 'back online');
    // The machine kept its state across the cable: the card is still there.
    await machine.move(h, 'CHIP', 0);
    assert.ok(emulator.cardAt('chip:0'));
  } finally {
    await machine.close();
    await emu.close();
    await pty.kill();
  }
});
