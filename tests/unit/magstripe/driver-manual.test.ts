import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryLink } from '../../../electron/devices/serial/link';
import { MsrEncoder } from '../../../electron/devices/msr/driver';
import type { DeviceError } from '../../../electron/devices/errors';
import { bytes } from './manual-bytes';

// The driver against answers taken from the MSR605 programmer's manual, not from the project's
// emulator or framing code. Manual, "Read ISO" (ESC r = 1B 72): response
//   1B 73 | 1B 01 <track 1 with sentinels> | 1B 02 <track 2> | 1B 03 <track 3> | 3F 1C | 1B <status>
// with an empty track sent as 1B 2B (ESC '+', libmsr MSR_RW_EMPTY "reading a track with no data").
// Communication test (1B 65) is answered 1B 79.

const T1 = 'B4111111111111111^DOE/JOHN^2512201';
const T2 = '4111111111111111=2512201';

async function scripted(readAnswer: () => Buffer[]) {
  const { link, far } = createMemoryLink('mem:manual');
  const enc = new MsrEncoder({ id: 'msr-m', link, commandTimeoutMs: 100, cardTimeoutMs: 150, reopenMs: 1000 });
  far.onData((cmd) => {
    if (cmd[0] === 0x1b && cmd[1] === 0x65) far.write(bytes('1B 79'));
    if (cmd[0] === 0x1b && cmd[1] === 0x72) for (const p of readAnswer()) far.write(p);
  });
  await enc.start();
  assert.equal(enc.status().state, 'online');
  return enc;
}

// The issue's own answer: tracks 1 and 2 with sentinels, track 3 empty, status OK.
const ISSUE_ANSWER = bytes('1B 73 1B 01', `%${T1}?`, '1B 02', `;${T2}?`, '1B 03 1B 2B 3F 1C 1B 30');

test('read ISO answer of the manual: sentinels stripped, ESC + is an empty track, status OK', async () => {
  const enc = await scripted(() => [ISSUE_ANSWER]);
  assert.deepEqual(await enc.readTracks(), [T1, T2, null]);
  await enc.close();
});

test('the manual read answer arriving one byte at a time', async () => {
  const enc = await scripted(() => [...ISSUE_ANSWER].map((b) => Buffer.from([b])));
  assert.deepEqual(await enc.readTracks(), [T1, T2, null]);
  await enc.close();
});

test('track 3 with data right before the end mark (";0123=456?" then 3F 1C), track 1 empty', async () => {
  const enc = await scripted(() => [bytes('1B 73 1B 01 1B 2B 1B 02', `;${T2}?`, '1B 03', ';0123=456?', '3F 1C 1B 30')]);
  assert.deepEqual(await enc.readTracks(), [null, T2, '0123=456']);
  await enc.close();
});

test('a blank card: every track 1B 2B and status 31 is a read/write error', async () => {
  const enc = await scripted(() => [bytes('1B 73 1B 01 1B 2B 1B 02 1B 2B 1B 03 1B 2B 3F 1C 1B 31')]);
  await assert.rejects(enc.readTracks(), (e: DeviceError) => e.code === 'READ_WRITE_ERROR' && /status 31/.test(e.message));
  await enc.close();
});

test('an answer that cannot be parsed is a protocol error naming its shape, never a blank card', async () => {
  // A track marker out of place (1B 07), and a bare status OK with no data block.
  const enc = await scripted(() => [bytes('1B 73 1B 01', `%${T1}?`, '1B 07', `;${T2}?`, '3F 1C 1B 30')]);
  const err = (await enc.readTracks().catch((e: Error) => e)) as DeviceError;
  assert.equal(err.code, 'PROTOCOL', String(err));
  assert.match(err.message, /read ISO/);
  assert.match(err.message, /1B 73 1B 01 <36 chars> 1B 07/);
  assert.ok(!/4111|DOE/.test(err.message + JSON.stringify(err.detail)), err.message);
  await enc.close();

  const bare = await scripted(() => [bytes('1B 30')]);
  const e2 = (await bare.readTracks().catch((e: Error) => e)) as DeviceError;
  assert.equal(e2.code, 'PROTOCOL', String(e2));
  assert.match(e2.message, /status OK without a data block/);
  await bare.close();
});
