import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError } from '../../../electron/core/store/card-store';
import { reportSetup, signer } from './report-fixture';

const ORIGIN = 'ui:t';

/** A batch of 6: 4 passed, 1 rejected (stripe), 1 reworked then passed on a new card. */
function finishedBatch() {
  const s = reportSetup({ B1: 6 });
  const ids = s.queuedIds('B1');
  for (const id of ids.slice(0, 4)) s.pass(id);
  s.fail(ids[4], 'MSR_WRITE_ERROR');
  s.decide(ids[4], 'reject');
  s.fail(ids[5], 'CHIP_STATUS');
  const again = s.decide(ids[5], 'rework')!;
  s.pass(again);
  return s;
}

const refused = (re: RegExp) => (e: unknown) => e instanceof ConflictError && re.test((e as Error).message);

test('the batch report: good, spoiled by reason (rejected and reworked cards each count once), masked PANs only', () => {
  const { svc } = finishedBatch();
  const r = svc.batchReport('B1');
  assert.equal(r.reconciliation.good, 5);
  assert.equal(r.reconciliation.spoiled, 2);
  assert.deepEqual(r.reconciliation.spoiledByReason, [{ reason: 'CHIP_STATUS', count: 1 }, { reason: 'MSR_WRITE_ERROR', count: 1 }]);
  assert.deepEqual(r.spoiledCards.map((c) => [c.state, c.reason, c.decidedBy]), [['rejected', 'MSR_WRITE_ERROR', 'supervisor'], ['reworked', 'CHIP_STATUS', 'supervisor']]);
  for (const c of r.spoiledCards) assert.match(c.maskedPan, /^\d{6}\*+\d{4}$/);
  assert.deepEqual(r.blockers.map((b) => b.code), ['VAULT_NOT_RECORDED']);
  assert.equal(r.yield, 5 / 7);
  assert.equal(r.productName, 'Product P');
});

test('a batch with queued or undecided cards cannot be signed', () => {
  const s = reportSetup({ B1: 3 });
  const ids = s.queuedIds('B1');
  s.pass(ids[0]);
  s.fail(ids[1], 'MSR_WRITE_ERROR');
  s.svc.recordVault('B1', { issued: 3, samples: 0, returned: 0 }, { username: 'olga', origin: ORIGIN }, 'counted at the vault');
  assert.throws(() => s.svc.signoff('B1', 'operator', signer.operator, ORIGIN, false), refused(/1 card not finished \(1 queued\).*1 failed card waits/));
  const failures = s.audit.query({ type: 'report.signoff', outcome: 'failure' }).rows;
  assert.equal(failures.length, 1, 'a refused sign-off is logged');
  assert.equal(s.svc.batchReport('B1').signoffs.length, 0);
});

test('a mismatch blocks signing, naming the difference', () => {
  const s = finishedBatch();
  s.svc.recordVault('B1', { issued: 10, samples: 1, returned: 0 }, { username: 'olga', origin: ORIGIN }, 'vault count');
  assert.throws(() => s.svc.signoff('B1', 'operator', signer.operator, ORIGIN, false), refused(/difference \+2: 2 cards missing/));
  s.svc.recordVault('B1', { returned: 2 }, { username: 'olga', origin: ORIGIN }, 'found 2 blanks in the hopper');
  const r = s.svc.batchReport('B1');
  assert.equal(r.reconciliation.balanced, true);
  assert.deepEqual(r.blockers, []);
  assert.deepEqual([r.reconciliation.issuedFromVault, r.reconciliation.samples, r.reconciliation.returnedToVault], [10, 1, 2], 'figures not given keep their value');
  const log = s.audit.query({ type: 'report.vault' }).rows;
  assert.equal(log.length, 2);
  assert.match(log[0].message, /returned to vault 2 \(was 0\).*found 2 blanks/);
});

test('operator then a different reviewer sign: each bound to the log head, then the batch closes', () => {
  const s = finishedBatch();
  s.svc.recordVault('B1', { issued: 9, samples: 1, returned: 1 }, { username: 'olga', origin: ORIGIN }, 'vault count');
  const headBefore = s.audit.head();
  let r = s.svc.signoff('B1', 'operator', signer.operator, ORIGIN, true);
  assert.equal(r.state, 'open');
  assert.deepEqual([r.signoffs[0].logSeq, r.signoffs[0].logHash], [headBefore.seq, headBefore.hash]);
  assert.equal(r.signoffs[0].reauthenticated, true);

  assert.throws(() => s.svc.signoff('B1', 'operator', signer.supervisor, ORIGIN, false), refused(/already signed as operator by olga/));
  const asOperatorToo = { ...signer.operator, role: 'supervisor' as const };
  assert.throws(() => s.svc.signoff('B1', 'reviewer', asOperatorToo, ORIGIN, false), refused(/olga already signed it as operator; operator and reviewer must be two different people/));

  s.clock.now += 5 * 60_000;
  r = s.svc.signoff('B1', 'reviewer', signer.supervisor, ORIGIN, false);
  assert.equal(r.state, 'closed');
  assert.equal(s.store.batch('B1').state, 'closed');
  assert.equal(r.closedAt, s.clock.now);
  assert.deepEqual(r.signoffs.map((x) => [x.role, x.username, x.userRole]), [['operator', 'olga', 'operator'], ['reviewer', 'sam', 'supervisor']]);
  // Each sign-off names the log head just before its own entry, so its entry chains onto it.
  const signEntries = s.audit.query({ type: 'report.signoff', outcome: 'success', order: 'asc' }).rows;
  assert.equal(signEntries.length, 2);
  for (const [k, e] of signEntries.entries()) {
    assert.equal(r.signoffs[k].logSeq, e.seq - 1);
    assert.equal(r.signoffs[k].logHash, e.prevHash);
    assert.equal(e.data?.logHash, r.signoffs[k].logHash);
  }
  assert.ok(r.signoffs[1].logSeq > signEntries[0].seq, 'the reviewer signs a log that holds the operator sign-off');
  assert.equal(s.audit.query({ type: 'batch.close' }).rows.length, 1);
  assert.ok(s.audit.verify().ok);

  assert.throws(() => s.svc.recordVault('B1', { returned: 0 }, { username: 'olga', origin: ORIGIN }, 'late change'), refused(/batch B1 is closed/));
  assert.throws(() => s.svc.signoff('B1', 'reviewer', signer.supervisor2, ORIGIN, false), refused(/already closed/));
});

test('changing the vault figures after a sign-off voids it; re-recording the same figures does not', () => {
  const s = finishedBatch();
  s.svc.recordVault('B1', { issued: 7, samples: 0, returned: 0 }, { username: 'olga', origin: ORIGIN }, 'vault count');
  s.svc.signoff('B1', 'operator', signer.operator, ORIGIN, false);
  s.svc.recordVault('B1', { issued: 7 }, { username: 'olga', origin: ORIGIN }, 'recounted, same');
  assert.equal(s.svc.batchReport('B1').signoffs.length, 1);
  s.svc.recordVault('B1', { issued: 8, returned: 1 }, { username: 'olga', origin: ORIGIN }, 'one more issued, one back');
  const r = s.svc.batchReport('B1');
  assert.equal(r.signoffs.length, 0);
  assert.equal(r.reconciliation.balanced, true);
  const v = s.audit.query({ type: 'report.signoff.void' }).rows;
  assert.equal(v.length, 1);
  assert.match(v[0].message, /operator olga/);
  // Signing works again afterwards.
  s.svc.signoff('B1', 'reviewer', signer.supervisor, ORIGIN, false);
  assert.equal(s.svc.batchReport('B1').state, 'open');
});
