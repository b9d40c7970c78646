import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryLink } from '../../../electron/devices/serial/link';
import { EncoderEmulator, portOnMemoryLink } from '../../../electron/sim/msr/emulator';

// The emulator at the byte level: what it answers to raw commands, fed in pieces.
async function raw() {
  const { link, far } = createMemoryLink('mem:raw');
  const emu = new EncoderEmulator(portOnMemoryLink(far));
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
  await answers([[0x1b, 0x72]], [0x1b, 0x73, 0x1b, 0x01, 0x1b, 0x02, 0x31, 0x32, 0x3d, 0x33, 0x1b, 0x03, 0x3f, 0x1c, 0x1b, 0x30]);
  // erase with an impossible select, a broken data block, an unknown command, raw read
  await answers([[0x1b, 0x63, 0x09]], [0x1b, 0x32]);
  await answers([[0x1b, 0x77, 0x1b, 0x73, 0x1b, 0x07, 0x31]], [0x1b, 0x32]);
  await answers([[0x1b, 0x55]], [0x1b, 0x34]);
  await answers([[0x1b, 0x6d]], [0x1b, 0x34]);
  await answers([[0x1b, 0x63, 0x02]], [0x1b, 0x30]);
  await answers([[0x1b, 0x72]], [0x1b, 0x73, 0x1b, 0x01, 0x1b, 0x02, 0x1b, 0x03, 0x3f, 0x1c, 0x1b, 0x31]);
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
