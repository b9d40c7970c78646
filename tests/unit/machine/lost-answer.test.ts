import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rig, waitFor } from './support';
import { MachineError } from '../../../electron/devices/machine/errors';
import type { MachineEmulator } from '../../../electron/sim/machine/emulator';

// The machine's cable is pulled while the engine works (issue 11 item 1, shift-model seeds 303/305
// and the --only machineUnplugged soak). A command with a signal (the engine's) rides it out: one
// whose turn comes while the port is gone waits for it, and one on the wire when the cable went is
// settled from the machine's STATUS once it is back: the card is where the command put it.

/** Pulls the cable the moment the emulator starts on the next `cmd` (it does it, its answer is lost), and plugs it back shortly after. */
function pullDuring(emu: MachineEmulator, cmd: string): void {
  const e = emu as unknown as { execute(c: { cmd: string }): Promise<string> };
  const execute = e.execute.bind(emu);
  let armed = true;
  e.execute = async (c) => {
    if (armed && c.cmd === cmd) {
      armed = false;
      emu.unplug();
      setTimeout(() => emu.plug(), 20);
    }
    return execute(c);
  };
}

const signal = () => new AbortController().signal;

test('a command whose turn comes while the cable is out waits for it and goes through', async () => {
  const r = await rig();
  try {
    const h = await r.machine.feed();
    r.emulator.unplug();
    await waitFor(() => r.machine.status().state === 'offline', 1000, 'offline');
    const moved = r.machine.move(h, 'CHIP', 0, signal());
    setTimeout(() => r.emulator.plug(), 30);
    await moved;
    assert.deepEqual(r.emulator.cardsInPath().map((c) => c.pos), ['CHIP:0']);
  } finally {
    await r.machine.close();
  }
});

test('a MOVE whose answer the cable took: the card is at the station, the move succeeds', async () => {
  const r = await rig();
  try {
    const h = await r.machine.feed();
    pullDuring(r.emulator, 'MOVE');
    await r.machine.move(h, 'ENCODER', 0, signal());
    assert.deepEqual(r.emulator.cardsInPath().map((c) => c.pos), ['ENCODER']);
    await r.machine.move(h, 'EMBOSS', 0, signal());
  } finally {
    await r.machine.close();
  }
});

test('a FEED whose answer the cable took: the blank at the input is the one fed, no second blank is taken', async () => {
  const r = await rig({ hopper: 5 });
  try {
    pullDuring(r.emulator, 'FEED');
    const h = await r.machine.feed(signal());
    assert.deepEqual(r.emulator.cardsInPath(), [{ handle: h, serial: r.emulator.cardsInPath()[0].serial, pos: 'INPUT' }]);
    assert.equal(r.emulator.hopper, 4);
    await r.machine.move(h, 'CHIP', 0, signal());
  } finally {
    await r.machine.close();
  }
});

test('an EJECT whose answer the cable took: the card left for the bin, the eject succeeds', async () => {
  const r = await rig();
  try {
    const h = await r.machine.feed();
    pullDuring(r.emulator, 'EJECT');
    await r.machine.eject(h, 'GOOD', signal());
    assert.equal(r.emulator.bins.good.length, 1);
    assert.equal(r.emulator.cardsInPath().length, 0);
  } finally {
    await r.machine.close();
  }
});

test('a strike whose answer the cable took fails OFFLINE saying it is not known whether it was struck', async () => {
  const r = await rig();
  try {
    const h = await r.machine.feed();
    await r.machine.move(h, 'EMBOSS', 0);
    pullDuring(r.emulator, 'EMBOSS');
    await assert.rejects(
      r.machine.strike({ kind: 'emboss', side: 'front', font: '7B', x: 10, y: 20, pitch: 3.6, text: '1234' }, signal()),
      (e: unknown) => e instanceof MachineError && e.code === 'OFFLINE' && /whether the machine struck it is not known/.test(e.message) && !e.message.includes('1234'),
    );
    // The next command goes through as usual.
    await r.machine.eject(h, 'REJECT', signal());
  } finally {
    await r.machine.close();
  }
});

test('a stop while the cable is out ends the wait of a command that never went out (sent: 0)', async () => {
  const r = await rig();
  try {
    r.emulator.unplug();
    await waitFor(() => r.machine.status().state === 'offline', 1000, 'offline');
    const ac = new AbortController();
    const p = r.machine.feed(ac.signal);
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(p, (e: unknown) => e instanceof MachineError && e.detail.sent === 0);
    assert.equal(r.emulator.hopper, 100);
  } finally {
    await r.machine.close();
  }
});
