import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimPcscBinding } from '../../../electron/devices/pcsc/sim-binding';
import { ReaderService } from '../../../electron/devices/pcsc/reader-service';
import { ReaderDevice } from '../../../electron/devices/pcsc/reader-device';
import type { DeviceStatus } from '../../../shared/domain/device';
import { EchoChip } from '../../support/echo-chip';

const tick = () => new Promise((r) => setTimeout(r, 5));

test('a reader device shows the reader, its card and the service in plain words', async (t) => {
  const sim = new SimPcscBinding(['ACME Reader 00 00', 'ACME Reader 00 01']);
  const svc = new ReaderService({ binding: sim, retry: { initialMs: 5, maxMs: 10 } });
  const head = new ReaderDevice(svc, { id: 'chip-1', match: 'Reader 00 01', name: 'Chip head 1' });
  const seen: DeviceStatus[] = [];
  head.onStatus((s) => seen.push(s));
  t.after(async () => {
    await head.close();
    await svc.close();
  });
  assert.equal(head.status().state, 'offline');
  assert.equal(head.kind, 'reader');
  await head.start();
  await svc.waitForReader('00 01');
  await tick();
  assert.deepEqual([head.status().state, head.status().message], ['online', 'Ready, no card']);
  assert.equal(head.readerName(), 'ACME Reader 00 01');

  const chip = new EchoChip();
  sim.reader('ACME Reader 00 01').insert(chip);
  const card = await head.waitForCard({ timeoutMs: 500 });
  assert.equal(card.reader, 'ACME Reader 00 01');
  assert.deepEqual([head.status().state, head.status().message], ['online', 'Card present']);

  const ch = await head.connect();
  assert.equal(head.status().state, 'busy');
  chip.hang = true;
  await assert.rejects(ch.transmit(Buffer.from('80EE00000101', 'hex'), { timeoutMs: 20 }));
  await ch.close();
  assert.equal(head.status().state, 'error');
  assert.match(head.status().action ?? '', /Take the card out/);
  sim.reader('ACME Reader 00 01').remove();
  await tick();
  assert.deepEqual([head.status().state, head.status().message], ['online', 'Ready, no card'], 'a new card clears the fault');

  sim.stopService();
  await tick();
  assert.equal(head.status().state, 'offline');
  assert.match(head.status().message ?? '', /PC\/SC service not available \(SCARD_E_NO_SERVICE/);
  assert.match(head.status().action ?? '', /pcscd/);
  sim.startService();
  await svc.waitForReader('00 01', { timeoutMs: 500 });
  await tick();
  assert.equal(head.status().state, 'online');

  sim.removeReader('ACME Reader 00 01');
  await tick();
  assert.equal(head.status().state, 'offline');
  assert.match(head.status().message ?? '', /No reader named like "Reader 00 01"/);
  await assert.rejects(head.connect(), (e: unknown) => (e as { code?: string }).code === 'READER_GONE');
  assert.ok(seen.length >= 8, 'every change was notified');
});

test('a name that matches several readers is an error, not a guess', async (t) => {
  const sim = new SimPcscBinding(['ACME Reader 00 00', 'ACME Reader 00 01']);
  const svc = new ReaderService({ binding: sim });
  const head = new ReaderDevice(svc, { id: 'chip-1', match: 'ACME' });
  t.after(async () => {
    await head.close();
    await svc.close();
  });
  await head.start();
  await svc.waitForReader('00 01');
  await tick();
  assert.equal(head.status().state, 'error');
  assert.match(head.status().message ?? '', /2 readers/);
  assert.equal(head.readerName(), null);
  await assert.rejects(head.connect(), /2 readers match "ACME"/);
});
