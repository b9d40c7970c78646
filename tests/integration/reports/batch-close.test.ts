import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStationFixture, type StationFixture } from '../../support/station-fixture';
import { dispatch } from '../../../electron/core/api/dispatch';
import type { Connection } from '../../../electron/core/api/handlers';
import { DEMO_BATCH_ID } from '../../../electron/cli/demo';
import type { BatchReport, ExportFile } from '../../../shared/contract/areas/reports';

// The whole station on its simulators: the operator runs the demo batch (one card's stripe is
// defective), a supervisor rejects the failed card, the operator records the vault figures and
// signs, a supervisor signs as reviewer, the batch closes; then the reports are exported.
let fx: StationFixture;
const conns: Record<'operator' | 'supervisor' | 'administrator', Connection> = {
  operator: { id: 'op', origin: 'ui:op', sessionId: null },
  supervisor: { id: 'sup', origin: 'ui:sup', sessionId: null },
  administrator: { id: 'adm', origin: 'ui:adm', sessionId: null },
};
let startedAt = 0;

before(async () => {
  startedAt = Date.now();
  fx = await startStationFixture({ importSample: true, timeScale: 0 });
  for (const role of ['operator', 'supervisor', 'administrator'] as const) {
    const r = await call(role, 'session.login', fx.credentials[role]);
    assert.equal(r.ok, true, `login as ${role}`);
  }
});
after(async () => {
  await fx?.close();
});

async function call(role: keyof typeof conns, name: string, input: unknown) {
  return dispatch(fx.core.handlers, name, input, conns[role], fx.core.onInternal);
}
async function ok<T>(role: keyof typeof conns, name: string, input: unknown): Promise<T> {
  const r = await call(role, name, input);
  assert.ok(r.ok, `${name} as ${role}: ${JSON.stringify(!r.ok && r.error)}`);
  return (r as { value: T }).value;
}
async function refused(role: keyof typeof conns, name: string, input: unknown, code: string, message?: RegExp) {
  const r = await call(role, name, input);
  assert.equal(r.ok, false, `${name} as ${role} must be refused`);
  if (!r.ok) {
    assert.equal(r.error.code, code, r.error.message);
    if (message) assert.match(r.error.message, message);
  }
}

test('demo batch: run, decide, vault figures, two sign-offs, closed, exported', async () => {
  const B = DEMO_BATCH_ID;
  await ok('operator', 'engine.start', { batchId: B });
  await fx.core.station.engine.idle();

  let r = await ok<BatchReport>('operator', 'reports.batch', { batchId: B });
  assert.equal(r.reconciliation.good, 11);
  assert.equal(r.counts.failed, 1);
  assert.deepEqual(r.reconciliation.spoiledByReason, [{ reason: 'MSR_WRITE_ERROR', count: 1 }]);
  assert.deepEqual(r.blockers.map((b) => b.code), ['CARDS_UNDECIDED', 'VAULT_NOT_RECORDED']);
  await refused('operator', 'reports.signoff', { batchId: B, role: 'operator' }, 'CONFLICT', /failed card waits for a supervisor's decision/);

  const failed = (await ok<{ rows: { id: number }[] }>('supervisor', 'queue.page', { batchId: B, states: ['failed'], offset: 0, limit: 10 })).rows;
  assert.equal(failed.length, 1);
  await ok('supervisor', 'cards.decide', { cardId: failed[0].id, decision: 'reject', reason: 'stripe defective' });

  await refused('operator', 'reports.vault', { batchId: B, reason: 'vault count' }, 'BAD_REQUEST');
  r = await ok<BatchReport>('operator', 'reports.vault', { batchId: B, issuedFromVault: 15, samples: 1, returnedToVault: 1, reason: 'counted at the vault' });
  assert.equal(r.reconciliation.difference, 1);
  await refused('operator', 'reports.signoff', { batchId: B, role: 'operator' }, 'CONFLICT', /difference \+1: 1 card missing/);
  r = await ok<BatchReport>('operator', 'reports.vault', { batchId: B, issuedFromVault: 14, reason: 'recount: 14 issued' });
  assert.equal(r.reconciliation.balanced, true);
  assert.deepEqual(r.blockers, []);

  // Roles: the operator cannot review, the administrator reads but neither counts nor signs.
  await refused('operator', 'reports.signoff', { batchId: B, role: 'reviewer' }, 'FORBIDDEN');
  await refused('administrator', 'reports.vault', { batchId: B, samples: 2, reason: 'try' }, 'FORBIDDEN');
  await refused('administrator', 'reports.signoff', { batchId: B, role: 'operator' }, 'FORBIDDEN');
  await ok('administrator', 'reports.batch', { batchId: B });

  await refused('operator', 'reports.signoff', { batchId: B, role: 'operator', password: 'not-my-password-1' }, 'AUTH');
  r = await ok<BatchReport>('operator', 'reports.signoff', { batchId: B, role: 'operator', password: fx.credentials.operator.password });
  assert.equal(r.state, 'open');
  assert.equal(r.signoffs[0].reauthenticated, true);
  assert.equal(r.signoffs[0].username, fx.credentials.operator.username);

  const events: unknown[] = [];
  const off = fx.core.station.events.on('reports.changed', (p) => events.push(p));
  r = await ok<BatchReport>('supervisor', 'reports.signoff', { batchId: B, role: 'reviewer' });
  off();
  assert.equal(r.state, 'closed');
  assert.deepEqual(events, [{ batchId: B, state: 'closed', signoffs: 2 }]);
  const batches = await ok<{ batchId: string; state: string }[]>('operator', 'batches.list', {});
  assert.equal(batches.find((b) => b.batchId === B)!.state, 'closed');
  await refused('operator', 'reports.vault', { batchId: B, samples: 0, reason: 'late' }, 'CONFLICT', /closed/);

  // The sign-offs are bound to the log, which still verifies.
  const head = fx.core.station.audit.head();
  assert.ok(r.signoffs.every((s) => s.logSeq < head.seq && /^[0-9a-f]{64}$/.test(s.logHash)));
  assert.equal(fx.core.station.audit.verify().ok, true);

  const pdf = await ok<ExportFile>('supervisor', 'reports.export', { batchId: B, format: 'pdf' });
  const bytes = Buffer.from(pdf.base64, 'base64');
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const path = join(fx.dataDir, pdf.fileName);
  writeFileSync(path, bytes);
  const text = execFileSync('pdftotext', ['-layout', path, '-']).toString('utf8');
  assert.match(text, /Demo line \(simulators\)/);
  assert.match(text, /Issued from vault 14 += +Good 11 \+ Spoiled 1 \+ Samples\/test 1 \+ Returned to vault 1/);
  assert.match(text, /Demo Operator \(operator\)/);
  assert.match(text, /Demo Supervisor \(supervisor\)/);
  assert.doesNotMatch(text, /NOT SIGNED/);
  execFileSync('pdftoppm', ['-png', '-r', '50', path, join(fx.dataDir, 'page')]);

  const csv = await ok<ExportFile>('administrator', 'reports.export', { batchId: B, format: 'csv' });
  assert.match(csv.fileName, /\.csv$/);
  assert.match(csv.text!, /\r\nResult,BALANCED\r\n/);
  assert.match(csv.text!, /\r\nMSR_WRITE_ERROR,/);
  assert.doesNotMatch(csv.text!, /\b4921810{5,}\d{4}\b/, 'no full PAN');
  const exports = fx.core.station.audit.query({ type: 'report.export' }).rows;
  assert.equal(exports.length, 2);
});

test('shift report, charts and device history over the run', async () => {
  const shift = { from: startedAt - 60_000, to: Date.now() + 60_000 };
  const s = await ok<{ batches: { batchId: string }[]; operators: { username: string; passed: number; spoiled: number; signoffs: number }[]; reconciliation: { balanced: boolean; good: number } }>('supervisor', 'reports.shift', shift);
  assert.deepEqual(s.batches.map((b) => b.batchId), [DEMO_BATCH_ID]);
  assert.equal(s.reconciliation.good, 11);
  assert.equal(s.reconciliation.balanced, true);
  const op = s.operators.find((o) => o.username === fx.credentials.operator.username)!;
  assert.deepEqual([op.passed, op.spoiled, op.signoffs], [11, 1, 1]);

  const c = await ok<{ yield: { passed: number; processed: number }; throughput: { buckets: { passed: number }[] } }>('operator', 'reports.charts', { ...shift, bucketMinutes: 1 });
  assert.deepEqual(c.yield, { passed: 11, processed: 12, ratio: 11 / 12 });
  assert.equal(c.throughput.buckets.reduce((n, b) => n + b.passed, 0), 11);

  const h = await ok<{ devices: { deviceId: string }[] }>('administrator', 'reports.deviceHistory', shift);
  assert.ok(h.devices.length >= 1, 'the configured devices are listed');

  const pdf = await ok<ExportFile>('operator', 'reports.export', { shift, format: 'pdf' });
  assert.equal(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString('latin1'), '%PDF-');
  await refused('operator', 'reports.export', { format: 'pdf' }, 'BAD_REQUEST');
  await refused('operator', 'reports.shift', { from: shift.to, to: shift.from }, 'BAD_REQUEST');
});
