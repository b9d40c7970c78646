import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attentionItems } from '../../../renderer/src/screens/supervisor/attention';
import { jobRows } from '../../../renderer/src/screens/supervisor/jobs';
import type { BatchSummary, Counts, EngineStatus } from '../../../shared/contract/dto';

const counts = (p: Partial<Counts>): Counts => ({ total: 0, queued: 0, inProgress: 0, passed: 0, failed: 0, rejected: 0, reworked: 0, held: 0, ...p });
const batch = (batchId: string, state: BatchSummary['state'], c: Partial<Counts>): BatchSummary => ({ batchId, productId: 'P', productName: 'Debit', issuer: null, importedAt: 0, importedBy: null, state, counts: counts(c) });

test('needs attention: failed cards awaiting a decision, devices down, held cards and batches; nothing when all is well', () => {
  const items = attentionItems({
    awaitingDecision: 3,
    devices: [
      { id: 'laser', kind: 'laser', name: 'Laser', state: 'offline', since: 0 },
      { id: 'enc', kind: 'encoder', name: 'Encoder', state: 'busy', since: 0 },
    ],
    batches: [batch('B1', 'open', { held: 2 }), batch('B2', 'held', { held: 1 }), batch('B3', 'closed', { held: 5 })],
  });
  assert.deepEqual(items.map((i) => i.kind), ['decisions', 'devices', 'held', 'held']);
  assert.match(items[0].text, /^3 failed card\(s\) wait for your decision/);
  assert.match(items[1].text, /Laser \(Offline\)/);
  assert.doesNotMatch(items[1].text, /Encoder/, 'a busy device is fine');
  assert.match(items[2].text, /^3 card\(s\) on hold/, 'a closed batch does not count');
  assert.match(items[3].text, /B2/);
  assert.deepEqual(attentionItems({ awaitingDecision: 0, devices: [], batches: [batch('B1', 'open', {})] }), []);
});

test('job list: counts by state per open batch; the running batch follows the engine', () => {
  const status = { state: 'running', batchId: 'B1', counts: counts({ total: 12, queued: 6, inProgress: 2, passed: 3, failed: 1 }) } as EngineStatus;
  const rows = jobRows([batch('B1', 'open', { total: 12, queued: 12 }), batch('B2', 'open', { total: 5, passed: 3, rejected: 1, reworked: 1 }), batch('B3', 'closed', {})], status);
  assert.deepEqual(rows.map((r) => [r.batchId, r.running, r.queued, r.inProgress, r.good, r.spoiled, r.held, r.total]), [
    ['B1', true, 6, 2, 3, 1, 0, 12],
    ['B2', false, 0, 0, 3, 2, 0, 5],
  ]);
});
