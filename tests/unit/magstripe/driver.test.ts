import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryLink } from '../../../electron/devices/serial/link';
import { MsrEncoder } from '../../../electron/devices/msr/driver';
import { DeviceDisconnectedError, DeviceError, DeviceTimeoutError } from '../../../electron/devices/errors';
import { blankStripe, type SimCard } from '../../../electron/sim/world';
import type { DeviceState } from '../../../shared/domain/device';
import { rig, waitFor } from './rig';

const T1 = 'B4111111111111111^DOE/JOHN^2512201';
const T2 = '4111111111111111=2512201';

test('start, communication test, reset and coercivity', async () => {
  const { emu, enc } = rig();
  const states: DeviceState[] = [];
  enc.onStatus((s) => states.push(s.state));
  await enc.start();
  assert.equal(enc.status().state, 'online');
  assert.equal(enc.status().kind, 'encoder');
  assert.deepEqual(states, ['online']);
  assert.equal(emu.stats.resets, 1);
  await enc.communicationTest();
  await enc.setCoercivity('lo');
  assert.equal(emu.coercivity, 'lo');
  assert.equal(await enc.getCoercivity(), 'lo');
  await enc.setCoercivity('hi');
  assert.equal(await enc.getCoercivity(), 'hi');
  await enc.reset(); // no answer: the next command's answer shows the encoder took it
  await enc.communicationTest();
  assert.equal(emu.stats.resets, 2);
  await enc.close();
  assert.equal(enc.status().state, 'offline');
});

test('write, read back and erase tracks on the card at the head', async () => {
  const card: SimCard = { serial: 42, chip: null, stripe: blankStripe(), surface: [] };
  const { enc } = rig({ getCard: () => card });
  await enc.start();
  await enc.setCoercivity('hi');
  await enc.writeTracks([T1, T2, null]);
  assert.deepEqual(card.stripe.tracks, [T1, T2, null]);
  assert.equal(card.stripe.coercivity, 'hi');
  assert.deepEqual(await enc.readTracks(), [T1, T2, null]);
  await enc.erase([1]);
  assert.deepEqual(card.stripe.tracks, [null, T2, null]);
  await enc.erase([1, 2, 3]);
  assert.deepEqual(card.stripe.tracks, [null, null, null]);
  // A blank card cannot be read: the encoder answers a read error.
  await assert.rejects(enc.readTracks(), (e: DeviceError) => e.code === 'READ_WRITE_ERROR');
  await enc.close();
});

test('every status fault becomes a DeviceError with its code, and the encoder stays online', async () => {
  const { emu, enc } = rig();
  await enc.start();
  emu.faults.writeError = 1;
  await assert.rejects(enc.writeTracks([T1, T2, null]), (e: DeviceError) => e.code === 'READ_WRITE_ERROR' && /write ISO failed: read\/write error \(status 31\)/.test(e.message));
  emu.faults.noCard = 1;
  await assert.rejects(enc.writeTracks([T1, T2, null]), (e: DeviceError) => e.code === 'NO_CARD' && /status 39/.test(e.message));
  await enc.writeTracks([T1, T2, null]);
  emu.faults.readError = 1;
  await assert.rejects(enc.readTracks(), (e: DeviceError) => e.code === 'READ_WRITE_ERROR');
  emu.faults.noCard = 1;
  await assert.rejects(enc.readTracks(), (e: DeviceError) => e.code === 'NO_CARD');
  emu.faults.noCard = 1;
  await assert.rejects(enc.erase([2]), (e: DeviceError) => e.code === 'ERASE_FAILED' && /status 41/.test(e.message));
  // Data outside the track 2 set: the encoder refuses the command format.
  await assert.rejects(enc.writeTracks([null, 'ABC', null]), (e: DeviceError) => e.code === 'COMMAND_FORMAT');
  emu.faults.garbleRead = 1;
  const garbled = await enc.readTracks();
  assert.notDeepEqual(garbled, [T1, T2, null]);
  assert.deepEqual(await enc.readTracks(), [T1, T2, null]);
  assert.equal(enc.status().state, 'online');
  await enc.close();
});

test('error messages never carry track data', async () => {
  const { emu, enc } = rig();
  await enc.start();
  emu.faults.writeError = true;
  const err = await enc.writeTracks([T1, T2, null]).catch((e: Error) => e);
  assert.ok(err instanceof DeviceError);
  assert.ok(!err.message.includes('4111') && !JSON.stringify(err.detail).includes('4111'));
  await enc.close();
});

test('a silent encoder times out, shows error, and recovers on the next answer', async () => {
  const { emu, enc } = rig();
  await enc.start();
  emu.faults.silent = 1;
  const t0 = Date.now();
  await assert.rejects(enc.writeTracks([T1, T2, null]), (e: Error) => e instanceof DeviceTimeoutError && e.code === 'TIMEOUT' && /write ISO within 250 ms/.test(e.message));
  assert.ok(Date.now() - t0 >= 240);
  assert.equal(enc.status().state, 'error');
  emu.faults.silent = 1;
  await assert.rejects(enc.communicationTest(), DeviceTimeoutError);
  await enc.communicationTest();
  assert.equal(enc.status().state, 'online');
  await enc.close();
});

test('answers in one-byte chunks and after line noise are understood', async () => {
  const { emu, enc } = rig();
  await enc.start();
  emu.faults.chunked = true;
  emu.faults.noise = true;
  await enc.setCoercivity('lo', { force: true });
  await enc.writeTracks([T1, T2, null]);
  assert.deepEqual(await enc.readTracks(), [T1, T2, null]);
  assert.equal(await enc.getCoercivity(), 'lo');
  await enc.communicationTest();
  await enc.close();
});

test('commands queue one at a time', async () => {
  const { enc } = rig({ delays: { writeMs: 10, readMs: 10 } });
  await enc.start();
  const results = await Promise.all([enc.writeTracks([T1, T2, null]), enc.readTracks(), enc.writeTracks([null, '5500000000000004=2912101', null]), enc.readTracks()]);
  assert.deepEqual(results[1], [T1, T2, null]);
  assert.deepEqual(results[3], [T1, '5500000000000004=2912101', null]);
  await enc.close();
});

test('unplugged mid-command: the command fails as disconnected, the device goes offline and comes back by itself', async () => {
  const { emu, enc } = rig({ delays: { writeMs: 100 } });
  await enc.start();
  const seen: DeviceState[] = [];
  enc.onStatus((s) => seen.push(s.state));
  const write = enc.writeTracks([T1, T2, null]);
  setTimeout(() => emu.unplug(), 20);
  await assert.rejects(write, DeviceDisconnectedError);
  assert.equal(enc.status().state, 'offline');
  await assert.rejects(enc.readTracks(), (e: DeviceError) => e.code === 'OFFLINE');
  await new Promise((r) => setTimeout(r, 80)); // several reopen attempts fail while unplugged
  assert.equal(enc.status().state, 'offline');
  assert.match(enc.status().message ?? '', /cannot open mem:msr \(ENOENT\)/);
  emu.plug();
  await waitFor('online again', () => enc.status().state === 'online');
  assert.deepEqual(seen.filter((s, i) => s !== seen[i - 1]).slice(0, 3), ['busy', 'offline', 'online']);
  await enc.setCoercivity('hi');
  await enc.writeTracks([T1, T2, null]);
  assert.deepEqual(await enc.readTracks(), [T1, T2, null]);
  await enc.close();
});

test('start with the port missing resolves offline and goes online when it appears', async () => {
  const { emu, enc } = rig();
  emu.unplug();
  await enc.start();
  assert.equal(enc.status().state, 'offline');
  emu.plug();
  await waitFor('online', () => enc.online);
  await enc.close();
});

test('a port with nothing answering stays offline with a clear message, and close stops retrying', async () => {
  const { link } = createMemoryLink('mem:dead');
  const enc = new MsrEncoder({ id: 'msr-dead', link, commandTimeoutMs: 30, reopenMs: 10 });
  await enc.start();
  assert.equal(enc.status().state, 'offline');
  assert.match(enc.status().message ?? '', /open but the encoder does not answer/);
  await enc.close();
  assert.equal(enc.status().message, 'closed');
  await assert.rejects(enc.communicationTest(), (e: DeviceError) => e.code === 'CLOSED');
});

test('partial answers, garbage and unknown statuses from a scripted far end', async () => {
  const { link, far } = createMemoryLink('mem:script');
  const enc = new MsrEncoder({ id: 'msr2', link, commandTimeoutMs: 100, cardTimeoutMs: 100, reopenMs: 1000 });
  // Each command gets a scripted answer, cut in arbitrary pieces.
  let answer: (cmd: Buffer) => Buffer[] = () => [];
  far.onData((cmd) => {
    for (const piece of answer(cmd)) far.write(piece);
  });
  answer = (cmd) => (cmd[1] === 0x65 ? [Buffer.from([0x41, 0x1b]), Buffer.from([0x79])] : []);
  await enc.start();
  assert.equal(enc.status().state, 'online');

  const block = Buffer.concat([Buffer.from('\x1b\x73\x1b\x01%' + T1 + '?\x1b\x02;' + T2 + '?\x1b\x03\x3f\x1c\x1b\x30', 'latin1')]);
  answer = () => [Buffer.from([0xff, 0x00]), block.subarray(0, 3), block.subarray(3, 20), block.subarray(20, block.length - 1), block.subarray(block.length - 1)];
  // Sentinels returned by the encoder are stripped.
  assert.deepEqual(await enc.readTracks(), [T1, T2, null]);

  answer = () => [Buffer.from([0x1b, 0x37])];
  await assert.rejects(enc.writeTracks([T1, null, null]), (e: DeviceError) => e.code === 'TIMEOUT'); // 1B 37 is not a status: ignored
  answer = () => [Buffer.from([0x1b]), Buffer.from([0x34])];
  await assert.rejects(enc.setCoercivity('lo'), (e: DeviceError) => e.code === 'INVALID_COMMAND' && /set Lo-Co failed/.test(e.message));
  answer = () => [Buffer.from([0x1b, 0x32])];
  await assert.rejects(enc.writeTracks([T1, null, null]), (e: DeviceError) => e.code === 'COMMAND_FORMAT');
  // A read answered by a bare error status, and by a broken block: the broken block is a
  // protocol error (it could hide anything), not skipped for whatever follows.
  answer = () => [Buffer.from([0x1b, 0x31])];
  await assert.rejects(enc.readTracks(), (e: DeviceError) => e.code === 'READ_WRITE_ERROR');
  answer = () => [Buffer.from('\x1b\x73\x1b\x09xx', 'latin1'), block];
  await assert.rejects(enc.readTracks(), (e: DeviceError) => e.code === 'PROTOCOL' && /1B 73 1B 09/.test(e.message));
  answer = () => [block];
  assert.deepEqual(await enc.readTracks(), [T1, T2, null]);
  // A late answer to a timed-out command is not taken for the next one's.
  answer = () => [];
  await assert.rejects(enc.getCoercivity(), (e: DeviceError) => e.code === 'TIMEOUT');
  far.write(Buffer.from([0x1b, 0x48]));
  await new Promise((r) => setTimeout(r, 10));
  answer = () => [Buffer.from([0x1b, 0x4c])];
  assert.equal(await enc.getCoercivity(), 'lo');
  await enc.close();
});
