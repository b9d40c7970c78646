import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closingBlockers, differenceText, equationText, reconcile, yieldOf } from '../../../electron/core/reports/reconcile';
import { emptyCounts } from '../../../electron/core/store/card-store';

const reasons = [
  { reason: 'MSR_WRITE_ERROR', count: 2 },
  { reason: 'CHIP_STATUS', count: 1 },
];

test('the equation: issued = good + spoiled + samples + returned', () => {
  const r = reconcile(90, reasons, { issued: 100, samples: 2, returned: 5 });
  assert.equal(r.spoiled, 3);
  assert.equal(r.accounted, 90 + 3 + 2 + 5);
  assert.equal(r.difference, 0);
  assert.equal(r.balanced, true);
  assert.match(equationText(r), /issued from vault 100 = good 90 \+ spoiled 3 \+ samples\/test 2 \+ returned to vault 5/);
});

test('a difference is signed: positive = cards missing, negative = more accounted than issued', () => {
  const missing = reconcile(90, reasons, { issued: 102, samples: 2, returned: 5 });
  assert.equal(missing.difference, 2);
  assert.equal(missing.balanced, false);
  assert.match(differenceText(missing.difference), /2 cards missing/);
  const extra = reconcile(90, reasons, { issued: 99, samples: 2, returned: 5 });
  assert.equal(extra.difference, -1);
  assert.match(differenceText(extra.difference), /1 card more accounted for than issued/);
  assert.match(equationText(extra), /≠/);
});

test('unrecorded vault figures: never balanced, even if the sum happens to match', () => {
  const r = reconcile(5, [], { issued: 5, samples: null, returned: null });
  assert.equal(r.difference, 0);
  assert.equal(r.balanced, false);
  const none = reconcile(5, [], { issued: null, samples: null, returned: null });
  assert.equal(none.difference, null);
});

test('closing blockers: pending cards, undecided failures, missing vault figures, mismatch, closed', () => {
  const counts = { ...emptyCounts(), queued: 2, held: 1, inProgress: 1, failed: 1 };
  const r = reconcile(10, [], { issued: 12, samples: 0, returned: null });
  const b = closingBlockers('open', counts, r);
  assert.deepEqual(b.map((x) => x.code), ['CARDS_PENDING', 'CARDS_UNDECIDED', 'VAULT_NOT_RECORDED']);
  assert.match(b[0].message, /4 cards not finished \(2 queued, 1 held, 1 in progress\)/);
  assert.match(b[1].message, /1 failed card waits for a supervisor's decision/);
  assert.match(b[2].message, /returned to vault/);
  assert.doesNotMatch(b[2].message, /samples/);

  const mismatch = closingBlockers('open', emptyCounts(), reconcile(10, reasons, { issued: 15, samples: 0, returned: 0 }));
  assert.deepEqual(mismatch.map((x) => x.code), ['MISMATCH']);
  assert.match(mismatch[0].message, /difference \+2: 2 cards missing/);

  assert.deepEqual(closingBlockers('open', emptyCounts(), reconcile(10, reasons, { issued: 13, samples: 0, returned: 0 })), []);
  assert.deepEqual(closingBlockers('closed', emptyCounts(), reconcile(10, reasons, { issued: 13, samples: 0, returned: 0 })).map((x) => x.code), ['CLOSED']);
});

test('yield is passed over processed, null with nothing processed', () => {
  assert.equal(yieldOf(9, 1), 0.9);
  assert.equal(yieldOf(0, 0), null);
  assert.equal(yieldOf(0, 3), 0);
});
