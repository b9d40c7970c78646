import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryLink } from '../../../electron/devices/serial/link';
import { EncoderEmulator, portOnMemoryLink } from '../../../electron/sim/msr/emulator';
import { blankStripe, type SimCard } from '../../../electron/sim/world';
import { bytes } from './manual-bytes';

// The emulator at the byte level: what it answers to raw commands, fed in pieces.
async function raw(getCard?: () => SimCard | null) {
  const { link, far } = createMemoryLink('mem:raw');
  const emu = new EncoderEmulator(portOnMemoryLink(far), getCard ? { getCard } : {});
  await link.open();
  let rx = Buffer.alloc(0);
  link.onData((d) => (rx = Buffer.concat([rx, d])));
  // Sends the pieces and checks the answer. It waits for as many bytes as expected (a fixed sleep
  // lost answers on a loaded machine), then a little longer, so that anything extra shows too.
  const answers = async (pieces: number[][], expected: number[]) => {
    rx = Buffer.alloc(0);
    for (const p of pieces) await link.write(Buffer.from(p));
    for (const t0 = Date.now(); rx.length < expected.length && Date.now() - t0 < 2000; ) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual([...rx], expected);
  };
  return { emu, answers };
}

test('answers to raw commands, including commands split across writes and after garbage', async () => {
  const { emu, answers } = await raw();
  await answers([[0x00, 0x41, 0x1b], [0x65]], [0x1b, 0x79]);
  await answers([[0x1b, 0x79]], [0x1b, 0x30]);
  assert.equal(emu.coercivity, 'lo');
  await answers([[0x1b, 0x64]], [0x1b, 0x4c]);
  await answers([[0x1b, 0x61]], []);
  assert.equal(emu.coercivity, 'hi');
  // write ISO of track 2 "12=3" in three pieces
  await answers([[0x1b, 0x77, 0x1b, 0x73], [0x1b, 0x01, 0x1b, 0x02, 0x31, 0x32], [0x3d, 0x33, 0x1b, 0x03, 0x3f, 0x1c]], [0x1b, 0x30]);
  // read: track 2 comes back with its sentinels, the empty tracks as 1B 2B (ESC '+')
  await answers([[0x1b, 0x72]], [0x1b, 0x73, 0x1b, 0x01, 0x1b, 0x2b, 0x1b, 0x02, 0x3b, 0x31, 0x32, 0x3d, 0x33, 0x3f, 0x1b, 0x03, 0x1b, 0x2b, 0x3f, 0x1c, 0x1b, 0x30]);
  // erase with an impossible select, a broken data block, an unknown command, raw read
  await answers([[0x1b, 0x63, 0x09]], [0x1b, 0x32]);
  await answers([[0x1b, 0x77, 0x1b, 0x73, 0x1b, 0x07, 0x31]], [0x1b, 0x32]);
  await answers([[0x1b, 0x55]], [0x1b, 0x34]);
  await answers([[0x1b, 0x6d]], [0x1b, 0x34]);
  await answers([[0x1b, 0x63, 0x02]], [0x1b, 0x30]);
  await answers([[0x1b, 0x72]], [0x1b, 0x73, 0x1b, 0x01, 0x1b, 0x2b, 0x1b, 0x02, 0x1b, 0x2b, 0x1b, 0x03, 0x1b, 0x2b, 0x3f, 0x1c, 0x1b, 0x31]);
});

// Known answers from the MSR605 programmer's manual's command/response table (libmsr msr206.h
// names in brackets), byte for byte.
test('manual: read ISO [MSR_CMD_READ 1B 72] answers 1B 73, each track with sentinels or 1B 2B, 3F 1C, 1B 30', async () => {
  const card: SimCard = { serial: 7, chip: null, stripe: blankStripe(), surface: [] };
  card.stripe.tracks = ['B4111111111111111^DOE/JOHN^2512201', '4111111111111111=2512201', null];
  const { answers } = await raw(() => card);
  const expected = bytes('1B 73 1B 01', '%B4111111111111111^DOE/JOHN^2512201?', '1B 02', ';4111111111111111=2512201?', '1B 03 1B 2B 3F 1C 1B 30');
  await answers([[0x1b, 0x72]], [...expected]);
  card.stripe.tracks = [null, null, '0123=456'];
  await answers([[0x1b, 0x72]], [...bytes('1B 73 1B 01 1B 2B 1B 02 1B 2B 1B 03', ';0123=456?', '3F 1C 1B 30')]);
});

test('manual: LED commands [MSR_CMD_LED_* 1B 81..85] get no response', async () => {
  const { answers } = await raw();
  for (const led of [0x81, 0x82, 0x83, 0x84, 0x85]) await answers([[0x1b, led]], []);
  // and the encoder still answers the next command, so nothing was left half-parsed
  await answers([[0x1b, 0x65]], [...bytes('1B 79')]);
});

test('manual: RAM test [MSR_CMD_DIAG_RAM 1B 87] answers 1B 30, or 1B 41 when the RAM is bad', async () => {
  const { emu, answers } = await raw();
  await answers([[0x1b, 0x87]], [...bytes('1B 30')]);
  emu.faults.ramError = 1;
  await answers([[0x1b, 0x87]], [...bytes('1B 41')]);
});

test('manual: sensor test [MSR_CMD_DIAG_SENSOR 1B 86] answers 1B 30 once a card is swiped; a reset interrupts it', async () => {
  let card: SimCard | null = null;
  const { answers } = await raw(() => card);
  await answers([[0x1b, 0x86]], []); // no card yet: no answer
  card = { serial: 8, chip: null, stripe: blankStripe(), surface: [] };
  await answers([], [...bytes('1B 30')]);
  card = null;
  await answers([[0x1b, 0x86]], []);
  await answers([[0x1b, 0x61]], []); // reset: the test is over
  card = { serial: 9, chip: null, stripe: blankStripe(), surface: [] };
  await answers([], []);
  await new Promise((r) => setTimeout(r, 120));
  await answers([[0x1b, 0x65]], [...bytes('1B 79')]);
});

test('realistic delays scale with timeScale', async () => {
  const { link, far } = createMemoryLink('mem:slow');
  new EncoderEmulator(portOnMemoryLink(far), { delays: 'realistic', timeScale: 0.1 });
  await link.open();
  const got = new Promise<number>((resolve) => {
    const t0 = Date.now();
    link.onData(() => resolve(Date.now() - t0));
  });
  await link.write(Buffer.from([0x1b, 0x77, 0x1b, 0x73, 0x1b, 0x01, 0x1b, 0x02, 0x31, 0x1b, 0x03, 0x3f, 0x1c]));
  const ms = await got;
  assert.ok(ms >= 35 && ms < 300, `write answered after ${ms} ms, expected about 40`);
});
