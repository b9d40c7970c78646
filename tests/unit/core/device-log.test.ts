import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceLogPolicy } from '../../../electron/core/device-log';
import type { DeviceState, DeviceStatus } from '../../../shared/domain/device';
import { openApiStation } from '../manual/api-station';

const st = (state: DeviceState, message?: string): DeviceStatus => ({ id: 'encoder', kind: 'encoder', name: 'Stripe encoder', state, message, since: 0 });

test('device log policy: busy and online around cards write nothing; a fault, a different fault and the return are written once', () => {
  const p = new DeviceLogPolicy();
  const logged = (s: DeviceStatus) => p.entryFor(s)?.type ?? null;
  for (let i = 0; i < 50; i++) {
    assert.equal(logged(st('busy')), null);
    assert.equal(logged(st('online')), null);
  }
  assert.equal(logged(st('offline', 'no answer on /dev/ttyUSB1')), 'device.fault');
  assert.equal(logged(st('offline', 'no answer on /dev/ttyUSB1')), null, 'the same fault again is not news');
  assert.equal(logged(st('error', 'head jammed')), 'device.fault', 'a different fault is');
  const back = p.entryFor(st('online'));
  assert.equal(back?.type, 'device.online');
  assert.match(back!.message, /Stripe encoder: back online/);
  assert.equal(back!.resource, 'device:encoder');
  assert.equal(logged(st('busy')), null);
  assert.equal(logged(st('online')), null);
});

test('a demo batch on the simulators leaves no device entry in the log when no device failed', async () => {
  const s = await openApiStation({ cards: 12 });
  try {
    await s.call('operator', 'engine.start', { batchId: 'DEMO-0001' });
    await s.core.station.engine.idle();
    const c = s.core.station.store.counts('DEMO-0001');
    assert.equal(c.queued + c.inProgress, 0, 'the batch ran to its end');
    const all = s.core.station.audit.query({ limit: 1000 }).rows;
    const device = all.filter((e) => e.type.startsWith('device.'));
    const faults = device.filter((e) => e.type === 'device.fault');
    assert.equal(faults.length, 0, `no device failed: ${faults.map((e) => e.message).join('; ')}`);
    assert.equal(device.length, 0, `${device.length} device entries of ${all.length}: ${[...new Set(device.map((e) => e.message))].join('; ')}`);
  } finally {
    await s.close();
  }
});

test('device log policy: connecting at start-up and closing at shutdown are not faults; a device still down after the grace is', () => {
  const p = new DeviceLogPolicy();
  assert.equal(p.entryFor(st('offline', 'connecting')), null);
  assert.equal(p.entryFor({ ...st('offline', 'no reader named like "Sim Reader 0"'), id: 'chip-0', name: 'Chip head' }), null);
  assert.equal(p.entryFor(st('online')), null, 'the encoder came up');
  const overdue = p.startupOverdue();
  assert.deepEqual(overdue.map((e) => e.resource), ['device:chip-0'], 'only the chip head never came up');
  assert.equal(p.entryFor({ ...st('online'), id: 'chip-0', name: 'Chip head' })?.type, 'device.online', 'and its return is logged');
  assert.equal(p.entryFor(st('offline', 'cable pulled'))?.type, 'device.fault', 'after start-up an offline device is a fault');
  p.close();
  assert.equal(p.entryFor({ ...st('offline', 'closed'), id: 'chip-0', name: 'Chip head' }), null, 'closing with the station is not');
});
