import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError } from '../../../electron/core/store/card-store';
import { shiftCsv } from '../../../electron/core/reports/csv';
import { shiftVerdictText } from '../../../electron/core/reports/format';
import { reportSetup, signer, T0, MIN } from './report-fixture';

// Item 7 of issue 11: one batch balanced and closed, a second without its vault figures. The
// second batch's missing figures must stay missing in the shift total (never 0 because the
// first batch recorded its own), and the verdict must name the batch and the figures.
function shift() {
  const s = reportSetup({ B1: 5, B2: 7 });
  const at = (m: number) => (s.clock.now = T0 + m * MIN);
  at(10);
  for (const id of s.queuedIds('B1')) s.pass(id, T0 + 10 * MIN);
  s.svc.recordVault('B1', { issued: 5, samples: 0, returned: 0 }, { username: 'olga', origin: 'ui:t' }, 'vault count');
  at(20);
  s.svc.signoff('B1', 'operator', signer.operator, 'ui:t', true);
  s.svc.signoff('B1', 'reviewer', signer.supervisor, 'ui:t', true);
  for (const id of s.queuedIds('B2')) s.pass(id, T0 + 30 * MIN);
  at(40);
  return s;
}

test('shift: a batch without vault figures leaves the total figures missing, not counted as 0', () => {
  const s = shift();
  const r = s.svc.shiftReport(T0, T0 + 60 * MIN);
  const t = r.reconciliation;
  assert.equal(t.good, 12);
  assert.equal(t.issuedFromVault, null, 'B2 has no "issued" figure: the total has none either');
  assert.equal(t.samples, null);
  assert.equal(t.returnedToVault, null);
  assert.equal(t.difference, null, 'no difference is computed from incomplete figures');
  assert.equal(t.balanced, false);
  assert.deepEqual(r.missingFigures, [{ batchId: 'B2', figures: ['issued', 'samples', 'returned'] }]);
});

test('shift verdict (PDF and CSV): names the batch that lacks which figure, never a false count', () => {
  const s = shift();
  const r = s.svc.shiftReport(T0, T0 + 60 * MIN);
  const v = shiftVerdictText(r);
  assert.doesNotMatch(v, /more accounted|missing \(issued/);
  assert.match(v, /batch B2 lacks issued from vault, samples\/test, returned to vault/);
  const csv = shiftCsv(r);
  assert.match(csv, /batch B2 lacks issued from vault, samples\/test, returned to vault/);
  assert.doesNotMatch(csv, /more accounted for than issued/);
});

test('shift: the closed batch is shown closed with both sign-offs; closing the other is refused with the missing figures', () => {
  const s = shift();
  const r = s.svc.shiftReport(T0, T0 + 60 * MIN);
  const b1 = r.batches.find((b) => b.batchId === 'B1')!;
  assert.equal(b1.state, 'closed');
  assert.deepEqual(b1.signoffs.map((x) => x.role), ['operator', 'reviewer']);
  assert.throws(
    () => s.svc.signoff('B2', 'operator', signer.operator, 'ui:t', true),
    (e: unknown) => e instanceof ConflictError && /batch B2: vault figures not recorded: issued from vault, samples\/test, returned to vault/.test((e as Error).message),
  );
});

test('shift: a figure missing only for one batch is still missing in the total', () => {
  const s = shift();
  s.clock.now = T0 + 45 * MIN;
  s.svc.recordVault('B2', { issued: 7, samples: 0 }, { username: 'olga', origin: 'ui:t' }, 'vault count');
  const r = s.svc.shiftReport(T0, T0 + 60 * MIN);
  assert.equal(r.reconciliation.issuedFromVault, 12);
  assert.equal(r.reconciliation.returnedToVault, null);
  assert.equal(r.reconciliation.balanced, false);
  assert.deepEqual(r.missingFigures, [{ batchId: 'B2', figures: ['returned'] }]);
  assert.match(shiftVerdictText(r), /batch B2 lacks returned to vault/);
});
