import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCommand, mmToMils, milsToMm, parseCommand, parseMachineLine } from '../../../electron/devices/machine/protocol';
import { machineReason, MachineError, errorCodeOfWire } from '../../../electron/devices/machine/errors';
import { DeviceDisconnectedError } from '../../../electron/devices/errors';
import { createMemoryLink } from '../../../electron/devices/serial/link';
import { MachineEmulator } from '../../../electron/sim/machine/emulator';

test('formats and parses command, reply and event lines', () => {
  assert.equal(formatCommand(12, 'MOVE', [3, 'CHIP', 1]), '12 MOVE 3 CHIP 1\n');
  assert.equal(formatCommand(13, 'EMBOSS', ['FRONT', '1B', 413, 236, 100], ' JOHN  DOE'), '13 EMBOSS FRONT 1B 413 236 100  JOHN  DOE\n');
  assert.deepEqual(parseCommand('13 EMBOSS FRONT 1B 413 236 100  JOHN  DOE'), { seq: 13, cmd: 'EMBOSS', args: ['FRONT', '1B', '413', '236', '100', 'JOHN', 'DOE'], rest: 'FRONT 1B 413 236 100  JOHN  DOE' });
  assert.equal(parseCommand('move 1'), null);
  assert.deepEqual(parseMachineLine('2 OK card=7 hopper=93'), { kind: 'ok', seq: 2, words: ['card=7', 'hopper=93'], fields: { card: '7', hopper: '93' } });
  assert.deepEqual(parseMachineLine('4 ERR JAM card 7 jammed\r'), { kind: 'err', seq: 4, code: 'JAM', text: 'card 7 jammed' });
  assert.deepEqual(parseMachineLine('! CLEARED HOPPER_EMPTY hopper=50'), { kind: 'event', name: 'CLEARED', words: ['HOPPER_EMPTY', 'hopper=50'], fields: { hopper: '50' } });
  assert.equal(parseMachineLine('garbage'), null);
  assert.equal(parseMachineLine('!'), null);
});

test('millimetres to mils and back', () => {
  assert.equal(mmToMils(25.4), 1000);
  assert.equal(mmToMils(3.63), 143);
  assert.equal(milsToMm(1000), 25.4);
});

test('every wire code and disconnects map to a machine reason', () => {
  const cases: Array<[string, string]> = [['JAM', 'MACHINE_JAM'], ['HALTED', 'MACHINE_JAM'], ['COVER_OPEN', 'MACHINE_COVER_OPEN'], ['HOPPER_EMPTY', 'MACHINE_HOPPER_EMPTY'], ['RIBBON_OUT', 'MACHINE_RIBBON_OUT'], ['FOIL_OUT', 'MACHINE_RIBBON_OUT'], ['NO_CARD', 'MACHINE_ERROR'], ['BAD_ARG', 'MACHINE_ERROR']];
  for (const [wire, reason] of cases) assert.equal(machineReason(new MachineError('m', errorCodeOfWire(wire), 'x')), reason, wire);
  assert.equal(machineReason(new MachineError('m', 'TIMEOUT', 'x')), 'MACHINE_TIMEOUT');
  assert.equal(machineReason(new MachineError('m', 'OFFLINE', 'x')), 'MACHINE_OFFLINE');
  assert.equal(machineReason(new DeviceDisconnectedError('m')), 'MACHINE_OFFLINE');
  assert.equal(machineReason(new Error('?')), 'MACHINE_ERROR');
});

test('the emulator refuses what the protocol forbids', async () => {
  const { link, far } = createMemoryLink('mem:proto');
  const emu = new MachineEmulator(far, { chipStations: 2, hopper: 3 });
  await link.open();
  const lines: string[] = [];
  link.onData((c) => lines.push(...c.toString().split('\n').filter(Boolean)));
  const ask = async (l: string) => {
    const seq = l.split(' ')[0];
    await link.write(l + '\n');
    const t0 = Date.now();
    for (;;) {
      const hit = lines.find((x) => x.startsWith(seq + ' '));
      if (hit) return hit;
      if (Date.now() - t0 > 1000) throw new Error('no answer to ' + l);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  assert.match(await ask('1 FLY'), /^1 ERR BAD_COMMAND/);
  assert.match(await ask('2 FEED'), /^2 OK card=1 serial=1000 hopper=2$/);
  assert.match(await ask('3 MOVE 1 CHIP 2'), /^3 ERR BAD_ARG/);
  assert.match(await ask('4 MOVE 9 CHIP 0'), /^4 ERR NO_CARD/);
  assert.match(await ask('5 EMBOSS FRONT 1B 100 100 100 JOHN'), /^5 ERR NO_CARD/);
  assert.match(await ask('6 MOVE 1 EMBOSS 0'), /^6 OK at=EMBOSS/);
  assert.match(await ask('7 EMBOSS FRONT 7B 100 100 143 ABC'), /^7 ERR BAD_ARG/);
  assert.match(await ask('8 EMBOSS SIDEWAYS 7B 100 100 143 123'), /^8 ERR BAD_ARG/);
  assert.match(await ask('9 EMBOSS FRONT 7B 100 100 143 ' + '1'.repeat(22)), /^9 ERR BAD_ARG/);
  assert.match(await ask('10 FEED'), /^10 OK card=2/);
  assert.match(await ask('11 MOVE 2 EMBOSS 0'), /^11 ERR BUSY/);
  assert.match(await ask('12 STATUS'), /^12 OK state=READY hopper=1 faults= cards=1@EMBOSS,2@INPUT$/);
  assert.match(await ask('13 RESET'), /^13 OK/);
  assert.equal(emu.bins.reject.length, 2);
  assert.ok(lines.includes('! AT 1 EMBOSS 0'));
  assert.ok(lines.includes('! READY'));
  await link.close();
});
