import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verdict, parseVault, niceMax, signed, durationText } from '../../../renderer/src/screens/reports/report-text';
import { rowWindow, poolSize } from '../../../renderer/src/screens/operator/fixed-rows';
import { createReportsStore } from '../../../renderer/src/stores/reports';
import { fakeApi, fail } from './fake-api';

const recon = (p: Partial<Record<string, unknown>> = {}) => ({
  issuedFromVault: 14, samples: 1, returnedToVault: 1, good: 11, spoiled: 1, spoiledByReason: [], accounted: 14, difference: 0, balanced: true, ...p,
}) as Parameters<typeof verdict>[0];

test('the verdict says balanced, how many cards are missing or extra, or that figures are missing', () => {
  assert.deepEqual(verdict(recon()), { ok: true, text: 'Balanced: every card issued is accounted for.' });
  assert.match(verdict(recon({ issuedFromVault: 16, difference: 2, balanced: false })).text, /2 card\(s\) missing/);
  assert.match(verdict(recon({ issuedFromVault: 13, difference: -1, balanced: false })).text, /1 card\(s\) more accounted for than issued/);
  assert.equal(verdict(recon({ samples: null, balanced: false })).ok, false);
  assert.match(verdict(recon({ samples: null, balanced: false })).text, /not all recorded/);
  assert.equal(signed(2), '+2');
  assert.equal(signed(-3), '−3');
  assert.equal(signed(null), 'not recorded');
});

test('vault figures: empty keeps the recorded value, 0 is a figure, junk and a short reason are refused', () => {
  assert.deepEqual(parseVault({ issuedFromVault: '14', samples: '0', returnedToVault: '', reason: ' count ' }), { ok: true, value: { issuedFromVault: 14, samples: 0, reason: 'count' } });
  const bad = parseVault({ issuedFromVault: '-1', samples: '', returnedToVault: '', reason: 'count' });
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.field, 'issuedFromVault');
  assert.equal(parseVault({ issuedFromVault: '', samples: '', returnedToVault: '', reason: 'count' }).ok, false);
  const short = parseVault({ issuedFromVault: '3', samples: '', returnedToVault: '', reason: 'x' });
  assert.equal(!short.ok && short.field, 'reason');
});

test('chart axes round up to 1, 2 or 5 × 10^k and durations read in words', () => {
  assert.deepEqual([0, 1, 3, 7, 11, 20, 120].map(niceMax), [1, 1, 5, 10, 20, 20, 200]);
  assert.equal(durationText(400), 'under 1 s');
  assert.equal(durationText(0), '0 s');
  assert.equal(durationText(65 * 60_000), '1 h 05 min');
});

test('the fixed-row window covers the viewport plus overscan and always fits the recycled pool', () => {
  assert.deepEqual(rowWindow(0, 416, 52, 100_000, 6), { first: 0, last: 13 });
  assert.deepEqual(rowWindow(52 * 1000 + 10, 416, 52, 100_000, 6), { first: 994, last: 1014 });
  assert.deepEqual(rowWindow(52 * 99_990, 416, 52, 100_000, 6), { first: 99_984, last: 99_999 });
  assert.deepEqual(rowWindow(0, 416, 52, 0, 6), { first: 0, last: -1 });
  const pool = poolSize(416, 52, 6);
  for (let top = 0; top < 52 * 500; top += 17) {
    const w = rowWindow(top, 416, 52, 100_000, 6);
    assert.ok(w.last - w.first + 1 <= pool, `window at ${top} fits the pool`);
  }
});

test('the reports store records vault figures, shows a refused sign-off, and reloads on reports.changed', async () => {
  let n = 0;
  const report = (extra = {}) => ({ batchId: 'B1', state: 'open', signoffs: [], reconciliation: recon(), n: ++n, ...extra });
  const f = fakeApi({
    'reports.batch': () => report(),
    'reports.vault': (i) => report({ vault: i }),
    'reports.signoff': () => fail({ code: 'AUTH', message: 'wrong password' }),
  });
  const s = createReportsStore(f.api);
  await s.getState().selectBatch('B1');
  assert.equal((s.getState().report as any).n, 1);
  assert.equal(await s.getState().recordVault({ issuedFromVault: 14, reason: 'count' }), true);
  assert.deepEqual(f.calls.at(-1), { name: 'reports.vault', input: { batchId: 'B1', issuedFromVault: 14, reason: 'count' } });
  assert.equal(s.getState().notice, 'Vault figures recorded.');
  assert.equal(await s.getState().signoff('operator', 'nope'), false);
  assert.equal(s.getState().error?.title, 'Failed: signing the batch');
  assert.equal(s.getState().error?.message, 'wrong password');
  s.getState().changed('OTHER');
  s.getState().changed('B1');
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(f.calls.filter((c) => c.name === 'reports.batch').length, 2);
});

test('right after a sign-off closes a batch, the shift table shows it closed with its sign-offs (also on reports.changed)', async () => {
  const sig = (role: string) => ({ role, username: role === 'operator' ? 'olga' : 'sam' });
  let closed = false;
  const shiftRow = () => ({ batchId: 'B1', state: closed ? 'closed' : 'open', signoffs: closed ? [sig('operator'), sig('reviewer')] : [sig('operator')], reconciliation: recon() });
  const f = fakeApi({
    'reports.batch': () => ({ batchId: 'B1', state: closed ? 'closed' : 'open', signoffs: [], reconciliation: recon() }),
    'reports.shift': () => ({ reconciliation: recon(), batches: [shiftRow()], operators: [], missingFigures: [] }),
    'reports.signoff': () => {
      closed = true;
      return { batchId: 'B1', state: 'closed', signoffs: [sig('operator'), sig('reviewer')], reconciliation: recon() };
    },
  });
  const s = createReportsStore(f.api);
  await s.getState().selectBatch('B1');
  await s.getState().loadShift({ from: 0, to: 1000 });
  assert.equal(s.getState().shift!.batches[0].state, 'open');
  assert.equal(await s.getState().signoff('reviewer', 'pw'), true);
  assert.equal(s.getState().shift!.batches[0].state, 'closed');
  assert.equal(s.getState().shift!.batches[0].signoffs.length, 2);
  assert.deepEqual(f.calls.filter((c) => c.name === 'reports.shift').at(-1)!.input, { from: 0, to: 1000 }, 'the same range is reloaded');
  // Closed from another window: the event reloads the shift too.
  closed = false;
  await s.getState().loadShift({ from: 0, to: 1000 });
  closed = true;
  s.getState().changed('B1');
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(s.getState().shift!.batches[0].state, 'closed');
});
