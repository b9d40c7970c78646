import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importBatch } from '../../../electron/core/batch/import';
import { makeStore, pan } from '../../support/core-fixture';
import { plainRegistry, refusal } from './support';

// Issue 12 item 1: a strict RFC 4180 reader. An unclosed quote used to swallow the rest of the
// file (other cardholders' PANs) into one field; text after a closing quote was glued on.
const pre = '# batchId: C1\n# productId: P1\nrecordId,pan,expiry,name,fields.company\n';
const row = (i: number, company = 'ACME') => `A${i},${pan(i)},2911,DOE/JOHN,${company}\n`;

test('an unclosed quote is refused naming its line, and nothing is stored', async () => {
  const store = makeStore();
  const text = pre + row(1) + row(2) + row(3, '"ACME') + row(4);
  const { problems } = await refusal(store, plainRegistry(), 'b.csv', text);
  assert.ok(problems.some((p) => /line 6\b/.test(p.message) && /quote/.test(p.message)), JSON.stringify(problems));
  assert.equal(store.counts().total, 0);
  assert.equal(store.hasBatch('C1'), false);
});

test('text after a closing quote is refused naming its line', async () => {
  const store = makeStore();
  const { problems } = await refusal(store, plainRegistry(), 'b.csv', pre + row(1) + row(2, '"AC"ME') + row(3));
  assert.ok(problems.some((p) => /line 5\b/.test(p.message) && /closing quote/.test(p.message)), JSON.stringify(problems));
  assert.equal(store.counts().total, 0);
});

test('a row with another number of columns than the header is refused naming its line', async () => {
  const store = makeStore();
  const { problems } = await refusal(store, plainRegistry(), 'b.csv', pre + row(1) + `A2,${pan(2)},2911\n` + row(3) + `A4,${pan(4)},2911,DOE/JOHN,X,extra\n`);
  const lines = problems.filter((p) => p.field === '(row)').map((p) => p.message);
  assert.ok(lines.some((m) => /line 5\b/.test(m) && /3 columns/.test(m)), lines.join('|'));
  assert.ok(lines.some((m) => /line 7\b/.test(m) && /6 columns/.test(m)), lines.join('|'));
  assert.equal(store.counts().total, 0);
});

test('a BOM is stripped and CRLF lines are read; quoted commas and quotes stay in their field', async () => {
  const store = makeStore();
  const text = '\uFEFF' + (pre + row(1, '"ACME, ""Inc."""') + row(2)).replace(/\n/g, '\r\n');
  const r = await importBatch({ store, products: plainRegistry() }, 'b.csv', text, 'tester');
  assert.deepEqual(r, { batchId: 'C1', productId: 'P1', records: 2 });
  const first = store.page({ batchId: 'C1', offset: 0, limit: 1 }).rows[0];
  assert.equal(store.openRecord(first).fields!.company, 'ACME, "Inc."');
});
