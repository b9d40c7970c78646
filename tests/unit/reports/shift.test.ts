import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportSetup, T0, MIN } from './report-fixture';
import { attribute, UNATTRIBUTED, vaultDelta } from '../../../electron/core/reports/shift';

/** Two batches, a shift from T0+60 to T0+120 min, with activity before, in and after it. */
function day() {
  const s = reportSetup({ B1: 4, B2: 3 });
  const b1 = s.queuedIds('B1');
  const b2 = s.queuedIds('B2');
  const at = (m: number) => (s.clock.now = T0 + m * MIN);
  const start = (m: number, user: string, batchId: string) => {
    at(m);
    s.audit.append({ type: 'engine.command', severity: 'info', outcome: 'success', user, origin: 'ui:t', resource: `batch:${batchId}`, batchId, message: `start batch ${batchId}` });
  };
  const vault = (m: number, user: string, batchId: string, f: { issued?: number; samples?: number; returned?: number }) => {
    at(m);
    s.svc.recordVault(batchId, f, { username: user, origin: 'ui:t' }, 'vault count');
  };
  // before the shift
  vault(30, 'olga', 'B1', { issued: 2 });
  start(35, 'olga', 'B1');
  s.pass(b1[0], T0 + 40 * MIN);
  // the shift
  s.audit.append({ type: 'device.fault', severity: 'warn', outcome: 'failure', origin: 'device:encoder', resource: 'device:encoder', message: 'Stripe encoder: offline' });
  at(62);
  s.audit.append({ type: 'device.fault', severity: 'warn', outcome: 'failure', origin: 'device:encoder', resource: 'device:encoder', message: 'Stripe encoder: offline' });
  at(64);
  s.audit.append({ type: 'device.online', severity: 'info', outcome: 'success', origin: 'device:encoder', resource: 'device:encoder', message: 'Stripe encoder: online' });
  vault(70, 'olga', 'B1', { issued: 5, samples: 0, returned: 0 });
  s.pass(b1[1], T0 + 80 * MIN);
  s.pass(b1[2], T0 + 80 * MIN + 30_000);
  start(85, 'oscar', 'B1');
  s.fail(b1[3], 'MSR_WRITE_ERROR', T0 + 90 * MIN);
  s.decide(b1[3], 'reject', 'sam', T0 + 95 * MIN);
  vault(100, 'olga', 'B2', { issued: 3, samples: 1, returned: 0 });
  start(105, 'olga', 'B2');
  s.pass(b2[0], T0 + 110 * MIN);
  s.pass(b2[1], T0 + 111 * MIN);
  // after the shift
  s.pass(b2[2], T0 + 130 * MIN);
  at(200);
  return s;
}

test('shift report: cards finished in the window, vault figures changed in the window, totals', () => {
  const s = day();
  const r = s.svc.shiftReport(T0 + 60 * MIN, T0 + 120 * MIN);
  assert.deepEqual(r.batches.map((b) => b.batchId), ['B1', 'B2']);
  const [b1, b2] = r.batches.map((b) => b.reconciliation);
  assert.deepEqual([b1.issuedFromVault, b1.good, b1.spoiled, b1.samples, b1.returnedToVault, b1.difference], [3, 2, 1, 0, 0, 0]);
  assert.deepEqual([b2.issuedFromVault, b2.good, b2.spoiled, b2.samples, b2.returnedToVault, b2.difference], [3, 2, 0, 1, 0, 0]);
  assert.deepEqual([r.reconciliation.issuedFromVault, r.reconciliation.good, r.reconciliation.spoiled, r.reconciliation.samples], [6, 4, 1, 1]);
  assert.equal(r.reconciliation.balanced, true);
  assert.deepEqual(r.reconciliation.spoiledByReason, [{ reason: 'MSR_WRITE_ERROR', count: 1 }]);
  assert.equal(r.yield, 4 / 5);
  assert.equal(r.batches[0].signoffs.length, 0);
});

test('shift report per operator: cards on the runs they started, decisions, vault entries', () => {
  const s = day();
  const r = s.svc.shiftReport(T0 + 60 * MIN, T0 + 120 * MIN);
  const by = Object.fromEntries(r.operators.map((o) => [o.username, [o.passed, o.spoiled, o.decisions, o.vaultEntries]]));
  assert.deepEqual(by, { olga: [4, 0, 0, 2], oscar: [0, 1, 0, 0], sam: [0, 0, 1, 0] });
});

test('a shift that misses a vault entry shows the difference', () => {
  const s = day();
  // From 75: B1's vault entry at 70 falls before the window, its cards after it.
  const r = s.svc.shiftReport(T0 + 75 * MIN, T0 + 120 * MIN);
  const b1 = r.batches.find((b) => b.batchId === 'B1')!.reconciliation;
  assert.deepEqual([b1.issuedFromVault, b1.good, b1.spoiled, b1.difference, b1.balanced], [0, 2, 1, -3, false]);
  assert.equal(r.reconciliation.balanced, false);
});

test('vault deltas and attribution', () => {
  assert.deepEqual(vaultDelta({ issued: 2, samples: null, returned: null }, { issued: 5, samples: 1, returned: null }), { issued: 3, samples: 1, returned: null });
  const starts = [{ ts: 10, user: 'a' }, { ts: 20, user: 'b' }];
  assert.equal(attribute(starts, 5), UNATTRIBUTED);
  assert.equal(attribute(starts, 10), 'a');
  assert.equal(attribute(starts, 25), 'b');
  assert.equal(attribute(undefined, 25), UNATTRIBUTED);
});

test('chart data over the shift: yield, reasons, 10-minute throughput; per batch', () => {
  const s = day();
  const c = s.svc.charts(T0 + 60 * MIN, T0 + 120 * MIN, 10);
  assert.deepEqual(c.yield, { passed: 4, processed: 5, ratio: 0.8 });
  assert.deepEqual(c.rejectReasons, [{ reason: 'MSR_WRITE_ERROR', count: 1 }]);
  assert.deepEqual(c.throughput.buckets.map((b) => [(b.start - T0) / MIN, b.passed, b.spoiled]), [[60, 0, 0], [70, 0, 0], [80, 2, 0], [90, 0, 1], [100, 0, 0], [110, 2, 0], [120, 0, 0]]);
  const only2 = s.svc.charts(T0 + 60 * MIN, T0 + 120 * MIN, 30, 'B2');
  assert.deepEqual(only2.yield, { passed: 2, processed: 2, ratio: 1 });
  assert.deepEqual(only2.throughput.buckets.map((b) => [(b.start - T0) / MIN, b.passed]), [[60, 0], [90, 2], [120, 0]]);
});

test('device history from the station log: faults and downtime in the window', () => {
  const s = day();
  const h = s.svc.deviceHistory(T0 + 60 * MIN, T0 + 120 * MIN);
  const enc = h.devices.find((d) => d.deviceId === 'encoder')!;
  assert.equal(enc.name, 'Stripe encoder');
  assert.equal(enc.faults, 1, 'the fault logged before the window is not counted');
  assert.deepEqual(enc.intervals.map((i) => [(i.from - T0) / MIN, (i.to - T0) / MIN, i.ongoing]), [[60, 64, false]], 'down since before the window: counted from its start');
  assert.equal(enc.downtimeMs, 4 * MIN);
});
