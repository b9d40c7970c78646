import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimPcscBinding } from '../../../electron/devices/pcsc/sim-binding';
import { ReaderService, type ReaderServiceEvent } from '../../../electron/devices/pcsc/reader-service';
import { PcscError } from '../../../electron/devices/pcsc/errors';
import { SCARD } from '../../../electron/devices/pcsc/codes';
import { EchoChip, ECHO_ATR, pattern } from '../../support/echo-chip';

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');
const A = 'Sim Reader 00 00';
const B = 'Sim Reader 00 01';

function setup(names = [A, B], o: { apduTimeoutMs?: number } = {}) {
  const sim = new SimPcscBinding(names);
  const svc = new ReaderService({ binding: sim, retry: { initialMs: 5, maxMs: 40 }, apduTimeoutMs: o.apduTimeoutMs });
  const events: ReaderServiceEvent[] = [];
  svc.on((e) => events.push(e));
  return { sim, svc, events };
}

const code = (c: string) => (e: unknown) => e instanceof PcscError && e.code === c;

test('discovers readers and reports card insert and removal', async (t) => {
  const { sim, svc, events } = setup();
  t.after(() => svc.close());
  await svc.start();
  await svc.waitForReader(B, { timeoutMs: 500 });
  assert.deepEqual(svc.readers().map((r) => r.name).sort(), [A, B]);
  assert.ok(svc.serviceUp);

  sim.reader(A).insert(new EchoChip());
  const c = await svc.waitForCard(A, { timeoutMs: 500 });
  assert.deepEqual(c.atr, ECHO_ATR);
  assert.equal(svc.reader(A)!.present, true);
  sim.reader(A).remove();
  await svc.waitForCardRemoved(A, { timeoutMs: 500 });
  const types = events.filter((e) => 'reader' in e && e.reader === A).map((e) => e.type);
  assert.deepEqual(types, ['reader-added', 'card-inserted', 'card-removed']);
});

test('waitForCard times out, honours abort, and waits for a reader that appears later', async (t) => {
  const { sim, svc } = setup([A]);
  t.after(() => svc.close());
  await svc.start();
  await assert.rejects(svc.waitForCard(A, { timeoutMs: 30 }), code('TIMEOUT'));
  const ac = new AbortController();
  const p = svc.waitForCard(A, { signal: ac.signal });
  ac.abort(new Error('stop pressed'));
  await assert.rejects(p, /stop pressed/);

  const later = svc.waitForCard('Late Reader', { timeoutMs: 1000 });
  const r = sim.addReader('Late Reader');
  r.insert(new EchoChip());
  assert.equal((await later).reader, 'Late Reader');
});

test('transmit resolves 61xx with GET RESPONSE and 6Cxx with the right Le', async (t) => {
  const { sim, svc } = setup();
  t.after(() => svc.close());
  await svc.start();
  const chip = new EchoChip({ t0: true });
  await svc.waitForReader(A);
  sim.reader(A).insert(chip);
  await svc.waitForCard(A, { timeoutMs: 500 });
  const ch = await svc.connect(A);
  assert.deepEqual(ch.atr, ECHO_ATR);

  // 6Cxx: GET DATA of a 5-byte object asked with Le 16 is resent with Le 5.
  const r1 = await ch.transmit(hex('80CA000510'));
  assert.deepEqual(r1, Buffer.concat([pattern(5), hex('9000')]));
  assert.deepEqual(chip.commands.slice(-2), [hex('80CA000510'), hex('80CA000505')]);

  // 61xx: 600 bytes come as 256 + 256 + 88 through GET RESPONSE (61 00 means 256).
  chip.commands.length = 0;
  const r2 = await ch.transmit(hex('80CB025800'));
  assert.equal(r2.length, 602);
  assert.deepEqual(r2.subarray(0, 600), pattern(600));
  assert.deepEqual(r2.subarray(600), hex('9000'));
  assert.deepEqual(chip.commands.slice(1), [hex('00C0000000'), hex('00C0000000'), hex('00C0000058')]);

  // T=0 style SELECT: 61xx answered by GET RESPONSE.
  const r3 = await ch.transmit(hex('00A4040007A0000000041010'));
  assert.deepEqual(r3, hex('6F098407A00000000410109000'));
  // Status words the host must not act on come back untouched.
  assert.deepEqual(await ch.transmit(hex('80FF000000')), hex('6D00'));
  await ch.close();
});

test('concurrent transmits on one channel are serialized', async (t) => {
  const { sim, svc } = setup([A]);
  t.after(() => svc.close());
  await svc.start();
  await svc.waitForReader(A);
  const chip = new EchoChip({ delayMs: 2 });
  sim.reader(A).insert(chip);
  await svc.waitForCard(A);
  const ch = await svc.connect(A);
  const rs = await Promise.all([1, 2, 3].map((i) => ch.transmit(Buffer.from([0x80, 0xee, 0, 0, 1, i]))));
  assert.deepEqual(rs, [1, 2, 3].map((i) => Buffer.from([i, 0x90, 0x00])));
  await ch.close();
});

test('connect is exclusive: a second connect is a sharing violation; no card is NO_CARD', async (t) => {
  const { sim, svc } = setup([A]);
  const other = new ReaderService({ binding: sim });
  t.after(async () => {
    await svc.close();
    await other.close();
  });
  await svc.start();
  await other.start();
  await svc.waitForReader(A);
  await assert.rejects(svc.connect(A), code('NO_CARD'));
  await assert.rejects(svc.connect('No Such Reader'), code('READER_GONE'));
  sim.reader(A).insert(new EchoChip());
  await svc.waitForCard(A);
  await other.waitForCard(A);
  const ch = await svc.connect(A);
  await assert.rejects(svc.connect(A), code('SHARING_VIOLATION'));
  const err = await other.connect(A).catch((e) => e);
  assert.equal(err.code, 'SHARING_VIOLATION');
  assert.equal(err.pcscCode, SCARD.E_SHARING_VIOLATION);
  assert.equal(svc.reader(A)!.inUse, true);
  await ch.close();
  assert.equal(svc.reader(A)!.inUse, false);
  const again = await other.connect(A);
  await again.close();
});

test('a card pulled in the middle of a sequence fails with CARD_REMOVED; the next card works', async (t) => {
  const { sim, svc } = setup([A]);
  t.after(() => svc.close());
  await svc.start();
  await svc.waitForReader(A);
  const chip = new EchoChip({ delayMs: 1 });
  chip.onCommand = (_a, i) => {
    if (i === 4) sim.reader(A).remove();
  };
  sim.reader(A).insert(chip);
  await svc.waitForCard(A);
  const ch = await svc.connect(A);
  let sent = 0;
  const err = await (async () => {
    for (let i = 0; i < 10; i++) {
      await ch.transmit(hex('80EE00000101'));
      sent++;
    }
  })().catch((e) => e);
  assert.equal(sent, 4);
  assert.ok(err instanceof PcscError);
  assert.equal(err.code, 'CARD_REMOVED');
  await assert.rejects(ch.transmit(hex('80EE00000101')), code('CARD_REMOVED'), 'the channel stays dead');
  assert.equal(svc.reader(A)!.inUse, false, 'the reader is free again');

  sim.reader(A).insert(new EchoChip());
  await svc.waitForCard(A);
  const ch2 = await svc.connect(A);
  assert.deepEqual(await ch2.transmit(hex('80EE00000107')), hex('079000'));
  await ch2.close();
});

test('an APDU without answer times out, and the channel refuses further APDUs', async (t) => {
  const { sim, svc, events } = setup([A], { apduTimeoutMs: 5000 });
  t.after(() => svc.close());
  await svc.start();
  await svc.waitForReader(A);
  const chip = new EchoChip();
  sim.reader(A).insert(chip);
  await svc.waitForCard(A);
  const ch = await svc.connect(A);
  chip.hang = true;
  const t0 = Date.now();
  await assert.rejects(ch.transmit(hex('80EE00000101'), { timeoutMs: 40 }), (e: unknown) => e instanceof PcscError && e.code === 'TIMEOUT' && /INS EE/.test(e.message));
  assert.ok(Date.now() - t0 < 1000);
  await assert.rejects(ch.transmit(hex('80EE00000101')), code('TIMEOUT'));
  await ch.close();
  const closed = events.find((e) => e.type === 'channel' && !e.open);
  assert.equal(closed?.type === 'channel' && closed.error?.code, 'TIMEOUT');
});

test('the service recovers by itself when the PC/SC service stops and comes back', async (t) => {
  const { sim, svc, events } = setup([A]);
  t.after(() => svc.close());
  await svc.start();
  await svc.waitForReader(A);
  sim.reader(A).insert(new EchoChip());
  await svc.waitForCard(A);
  const ch = await svc.connect(A);

  sim.stopService();
  await assert.rejects(ch.transmit(hex('80EE00000101')), (e: unknown) => e instanceof PcscError && e.code === 'NO_SERVICE');
  await new Promise((r) => setTimeout(r, 60)); // several failed attempts with backoff
  assert.equal(svc.serviceUp, false);
  assert.equal(svc.lastError?.code, 'NO_SERVICE');
  assert.deepEqual(svc.readers(), []);
  await assert.rejects(svc.connect(A), code('NO_SERVICE'));

  sim.startService();
  await svc.waitForCard(A, { timeoutMs: 1000 });
  assert.equal(svc.serviceUp, true);
  const ch2 = await svc.connect(A);
  assert.deepEqual(await ch2.transmit(hex('80EE00000102')), hex('029000'));
  await ch2.close();
  const service = events.filter((e) => e.type === 'service').map((e) => e.type === 'service' && e.up);
  assert.deepEqual(service, [true, false, true]);
});

test('a service that is down at start is found once it comes up', async (t) => {
  const sim = new SimPcscBinding([A]);
  sim.stopService();
  const svc = new ReaderService({ binding: sim, retry: { initialMs: 5, maxMs: 20 } });
  t.after(() => svc.close());
  await svc.start();
  assert.equal(svc.serviceUp, false);
  setTimeout(() => sim.startService(), 30);
  assert.equal(await svc.waitForReader('Sim Reader', { timeoutMs: 1000 }), A);
});

test('a reader unplugged with an open channel: READER_GONE, and it is found again when plugged back', async (t) => {
  const { sim, svc, events } = setup();
  t.after(() => svc.close());
  await svc.start();
  await svc.waitForReader(B);
  sim.reader(A).insert(new EchoChip());
  await svc.waitForCard(A);
  const ch = await svc.connect(A);
  sim.removeReader(A);
  await assert.rejects(ch.transmit(hex('80EE00000101')), (e: unknown) => e instanceof PcscError && (e.code === 'READER_GONE' || e.code === 'CARD_REMOVED'));
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(svc.readers().map((r) => r.name), [B]);
  assert.ok(events.some((e) => e.type === 'reader-removed' && e.reader === A));
  sim.addReader(A).insert(new EchoChip());
  await svc.waitForCard(A, { timeoutMs: 500 });
  const ch2 = await svc.connect(A);
  assert.deepEqual(await ch2.transmit(hex('80EE00000103')), hex('039000'));
  await ch2.close();
});

test('several readers work at once', async (t) => {
  const names = ['H1', 'H2', 'H3', 'H4'];
  const { sim, svc } = setup(names);
  t.after(() => svc.close());
  await svc.start();
  const chips = names.map(() => new EchoChip({ delayMs: 5 }));
  await svc.waitForReader('H4');
  names.forEach((n, i) => sim.reader(n).insert(chips[i]));
  const t0 = Date.now();
  const results = await Promise.all(
    names.map(async (n, i) => {
      await svc.waitForCard(n);
      const ch = await svc.connect(n);
      const out: Buffer[] = [];
      for (let k = 0; k < 10; k++) out.push(await ch.transmit(Buffer.from([0x80, 0xee, 0, 0, 2, i, k])));
      await ch.close();
      return out;
    }),
  );
  const elapsed = Date.now() - t0;
  results.forEach((out, i) => out.forEach((r, k) => assert.deepEqual(r, Buffer.from([i, k, 0x90, 0x00]))));
  // 4 × 10 APDUs of ≥5 ms each take ≥200 ms one after another; in parallel about 50 ms.
  assert.ok(elapsed < 180, `readers ran one after another (${elapsed} ms)`);
});
