import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChartRangeError, mergeReasons, throughputBuckets, yieldFigures } from '../../../electron/core/reports/charts';
import { deviceHistory, deviceIdOf, type DeviceEvent } from '../../../electron/core/reports/device-history';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);

test('throughput buckets are aligned to the bucket size, continuous, and count good and spoiled apart', () => {
  const from = T0 + 3 * MIN; // 08:03
  const to = T0 + 34 * MIN; // 08:34
  const cards = [
    { at: T0 + 3 * MIN, good: true },
    { at: T0 + 9 * MIN + 59_999, good: true },
    { at: T0 + 10 * MIN, good: false },
    { at: T0 + 31 * MIN, good: true },
    { at: T0 + 40 * MIN, good: true }, // outside the range
  ];
  const t = throughputBuckets(from, to, 10 * MIN, cards);
  assert.equal(t.bucketMs, 10 * MIN);
  assert.deepEqual(t.buckets.map((b) => b.start), [T0, T0 + 10 * MIN, T0 + 20 * MIN, T0 + 30 * MIN]);
  assert.deepEqual(t.buckets.map((b) => [b.passed, b.spoiled]), [[2, 0], [0, 1], [0, 0], [1, 0]]);
});

test('too many buckets is refused with a clear error', () => {
  assert.throws(() => throughputBuckets(0, 31 * 24 * 60 * MIN, MIN, []), (e: unknown) => e instanceof ChartRangeError && /at most 2000/.test((e as Error).message));
});

test('yield figures and merged reasons', () => {
  assert.deepEqual(yieldFigures(3, 1), { passed: 3, processed: 4, ratio: 0.75 });
  assert.deepEqual(yieldFigures(0, 0).ratio, null);
  assert.deepEqual(
    mergeReasons([[{ reason: 'A', count: 1 }, { reason: 'B', count: 2 }], [{ reason: 'A', count: 3 }]]),
    [{ reason: 'A', count: 4 }, { reason: 'B', count: 2 }],
  );
});

const ev = (ts: number, type: DeviceEvent['type'], deviceId: string, message = `${deviceId}: ${type}`): DeviceEvent => ({ ts, type, deviceId, message });

test('downtime runs from the first fault to the next online; repeated faults count but do not restart it', () => {
  const h = deviceHistory({
    from: T0, to: T0 + 60 * MIN, now: T0 + 120 * MIN,
    devices: [{ id: 'encoder', name: 'Stripe encoder' }, { id: 'laser', name: 'Laser' }],
    before: [],
    events: [ev(T0 + 5 * MIN, 'device.fault', 'encoder', 'Stripe encoder: offline'), ev(T0 + 6 * MIN, 'device.fault', 'encoder'), ev(T0 + 8 * MIN, 'device.online', 'encoder'), ev(T0 + 20 * MIN, 'device.fault', 'encoder'), ev(T0 + 21 * MIN, 'device.online', 'encoder')],
  });
  const enc = h.devices.find((d) => d.deviceId === 'encoder')!;
  assert.equal(enc.name, 'Stripe encoder');
  assert.equal(enc.faults, 3);
  assert.deepEqual(enc.intervals.map((i) => [i.from - T0, i.to - T0, i.ongoing]), [[5 * MIN, 8 * MIN, false], [20 * MIN, 21 * MIN, false]]);
  assert.equal(enc.intervals[0].message, 'Stripe encoder: offline');
  assert.equal(enc.downtimeMs, 4 * MIN);
  const laser = h.devices.find((d) => d.deviceId === 'laser')!;
  assert.deepEqual([laser.faults, laser.downtimeMs, laser.intervals.length], [0, 0, 0]);
});

test('a device down when the window opens counts from the window start; one still down ends at min(to, now)', () => {
  const h = deviceHistory({
    from: T0, to: T0 + 60 * MIN, now: T0 + 30 * MIN,
    devices: [{ id: 'machine', name: 'Machine' }],
    before: [ev(T0 - 50 * MIN, 'device.fault', 'machine'), ev(T0 - 10 * MIN, 'device.fault', 'reader-0')],
    events: [ev(T0 + 10 * MIN, 'device.online', 'machine'), ev(T0 + 25 * MIN, 'device.fault', 'machine')],
  });
  const m = h.devices.find((d) => d.deviceId === 'machine')!;
  assert.deepEqual(m.intervals.map((i) => [i.from - T0, i.to - T0, i.ongoing]), [[0, 10 * MIN, false], [25 * MIN, 30 * MIN, true]]);
  assert.equal(m.downtimeMs, 15 * MIN);
  assert.equal(m.faults, 1, 'the fault before the window is not counted in it');
  const r = h.devices.find((d) => d.deviceId === 'reader-0')!;
  assert.equal(r.name, 'reader-0', 'a device no longer configured keeps its id as name');
  assert.equal(r.downtimeMs, 30 * MIN);
  assert.equal(deviceIdOf('device:laser'), 'laser');
  assert.equal(deviceIdOf('card:1'), null);
});
