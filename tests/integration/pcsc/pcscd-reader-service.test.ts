import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPcscd, type Pcscd } from '../../support/pcscd';
import { EchoChip, ECHO_ATR, pattern } from '../../support/echo-chip';
import { connectToVpcd } from '../../../electron/sim/vpcd/vpcd-client';
import { createPcscliteBinding } from '../../../electron/devices/pcsc/pcsclite-binding';
import { ReaderService, type ReaderServiceEvent } from '../../../electron/devices/pcsc/reader-service';
import { PcscError } from '../../../electron/devices/pcsc/errors';

// The reader service against the real pcscd, with virtual cards in vpcd's readers.

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');
let pcscd: Pcscd;
let svc: ReaderService;
const events: ReaderServiceEvent[] = [];

before(async () => {
  pcscd = await startPcscd({ readers: 2 });
  svc = new ReaderService({ binding: await createPcscliteBinding(), retry: { initialMs: 50, maxMs: 500 } });
  svc.on((e) => events.push(e));
  await svc.start();
});

after(async () => {
  await svc?.close();
  await pcscd?.stop();
});

test('discovers the vpcd readers and sees a virtual card come and go', async () => {
  const [a, b] = pcscd.slots;
  await svc.waitForReader(b.name, { timeoutMs: 5000 });
  assert.deepEqual(svc.match('Virtual PCD'), [a.name, b.name]);
  const conn = await connectToVpcd(new EchoChip(), { port: a.port });
  const card = await svc.waitForCard(a.name, { timeoutMs: 3000 });
  assert.deepEqual(card.atr, ECHO_ATR);
  await conn.remove();
  await svc.waitForCardRemoved(a.name, { timeoutMs: 3000 });
  const mine = events.filter((e) => 'reader' in e && e.reader === a.name).map((e) => e.type);
  assert.deepEqual(mine, ['reader-added', 'card-inserted', 'card-removed']);
});

test('transmits through pcscd, resolving 61xx and 6Cxx', async () => {
  const [a] = pcscd.slots;
  const chip = new EchoChip({ t0: true });
  const conn = await connectToVpcd(chip, { port: a.port });
  try {
    await svc.waitForCard(a.name, { timeoutMs: 3000 });
    const ch = await svc.connect(a.name);
    assert.deepEqual(await ch.transmit(hex('80EE000003010203')), hex('0102039000'));
    assert.deepEqual(await ch.transmit(hex('80CA000510')), Buffer.concat([pattern(5), hex('9000')]));
    const long = await ch.transmit(hex('80CB020000'));
    assert.equal(long.length, 514);
    assert.deepEqual(long.subarray(0, 512), pattern(512));
    assert.deepEqual(await ch.transmit(hex('00A4040002A0000000')), hex('6F048402A0009000'));
    // Exclusive: a second session on the same reader is refused.
    await assert.rejects(svc.connect(a.name), (e: unknown) => e instanceof PcscError && e.code === 'SHARING_VIOLATION');
    await ch.close();
  } finally {
    await conn.remove();
  }
});

test('a card pulled in the middle of a sequence ends with CARD_REMOVED; the next card works', async () => {
  const [a] = pcscd.slots;
  await svc.waitForCardRemoved(a.name, { timeoutMs: 3000 });
  const chip = new EchoChip();
  const conn = await connectToVpcd(chip, { port: a.port });
  await svc.waitForCard(a.name, { timeoutMs: 3000 });
  const ch = await svc.connect(a.name);
  const start = chip.commands.length;
  chip.onCommand = (_x, i) => {
    if (i === start + 20) void conn.remove();
  };
  let ok = 0;
  const err = await (async () => {
    for (let i = 0; i < 100; i++) {
      await ch.transmit(hex('80EE00000101'));
      ok++;
    }
  })().catch((e) => e);
  assert.equal(ok, 20);
  assert.ok(err instanceof PcscError, String(err));
  assert.equal(err.code, 'CARD_REMOVED');
  await ch.close();

  assert.ok(svc.serviceUp);
  const conn2 = await connectToVpcd(new EchoChip(), { port: a.port });
  try {
    await svc.waitForCard(a.name, { timeoutMs: 3000 });
    const ch2 = await svc.connect(a.name);
    assert.deepEqual(await ch2.transmit(hex('80EE00000142')), hex('429000'));
    await ch2.close();
  } finally {
    await conn2.remove();
  }
});

test('pcscd restarted in the middle: the service recovers by itself', async () => {
  const [a] = pcscd.slots;
  await svc.waitForCardRemoved(a.name, { timeoutMs: 3000 });
  const conn = await connectToVpcd(new EchoChip(), { port: a.port });
  await svc.waitForCard(a.name, { timeoutMs: 3000 });
  const ch = await svc.connect(a.name);
  assert.deepEqual(await ch.transmit(hex('80EE00000101')), hex('019000'));

  await pcscd.restart();
  // The old session is gone with the daemon; nothing is restarted by hand on the station side.
  const err = await ch.transmit(hex('80EE00000101')).catch((e) => e);
  assert.ok(err instanceof PcscError && ['NO_SERVICE', 'CARD_REMOVED', 'READER_GONE'].includes(err.code), String(err));
  await ch.close();
  await conn.closed; // vpcd went down with pcscd: the card is out

  await svc.waitForReader(a.name, { timeoutMs: 5000 });
  const conn2 = await connectToVpcd(new EchoChip(), { port: a.port });
  try {
    await svc.waitForCard(a.name, { timeoutMs: 3000 });
    const ch2 = await svc.connect(a.name);
    assert.deepEqual(await ch2.transmit(hex('80EE00000107')), hex('079000'));
    await ch2.close();
  } finally {
    await conn2.remove();
  }
  const service = events.filter((e) => e.type === 'service').map((e) => e.type === 'service' && e.up);
  assert.deepEqual(service.slice(-2), [false, true]);
});

test('several readers transmit in parallel', async () => {
  const slots = pcscd.slots;
  for (const s of slots) await svc.waitForCardRemoved(s.name, { timeoutMs: 3000 });
  const conns = await Promise.all(slots.map((s) => connectToVpcd(new EchoChip({ delayMs: 20 }), { port: s.port })));
  try {
    const channels = await Promise.all(
      slots.map(async (s) => {
        await svc.waitForCard(s.name, { timeoutMs: 3000 });
        return svc.connect(s.name);
      }),
    );
    const t0 = Date.now();
    await Promise.all(
      channels.map(async (ch, i) => {
        for (let k = 0; k < 10; k++) assert.deepEqual(await ch.transmit(Buffer.from([0x80, 0xee, 0, 0, 2, i, k])), Buffer.from([i, k, 0x90, 0x00]));
      }),
    );
    // 2 readers × 10 APDUs of 20 ms: one reader after the other takes at least 400 ms.
    const ms = Date.now() - t0;
    assert.ok(ms < 380, `readers ran one after another (${ms} ms)`);
    await Promise.all(channels.map((c) => c.close()));
  } finally {
    await Promise.all(conns.map((c) => c.remove()));
  }
});
