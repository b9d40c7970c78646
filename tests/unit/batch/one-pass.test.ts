import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeStore, record } from '../../support/core-fixture';
import { demoProduct, demoRecords } from '../../../electron/cli/demo';
import { LIMITS } from '../../../shared/batch/limits';
import { plainRegistry, realRegistry, refusal, jsonFile } from './support';

// Issue 12 item 6: one pass lists every problem of every kind — format, stripe, layout, font —
// so the issuer fixes the file once; the list is capped, the total is given, and said once.

test('format problems and the product checks (stripe, font) are listed in the same pass', async () => {
  const store = makeStore();
  const p = demoProduct();
  const { chip: _c, ...noChip } = p;
  const recs = demoRecords(4, null);
  recs[1] = { ...recs[1], expiry: '2913x' } as never;
  recs[2] = { ...recs[2], embossName: 'FRANÇOIS ÇA' };
  recs[3] = { ...recs[3], track1Discretionary: 'abc~~' };
  const text = JSON.stringify({ format: 'perso-batch/1', batchId: 'B1', productId: p.id, records: recs });
  const { where } = await refusal(store, realRegistry({ ...noChip, steps: ['magstripe', 'emboss', 'laser'] }), 'b.json', text);
  assert.ok(where.includes('2:expiry'), where.join(' '));
  assert.ok(where.some((w) => w.startsWith('3:')), `no font problem listed beside the format problem: ${where.join(' ')}`);
  assert.ok(where.some((w) => w.startsWith('4:')), `no stripe problem listed beside the format problem: ${where.join(' ')}`);
  assert.equal(store.counts().total, 0);
});

test('the list is capped at the documented number, the total is counted and said once', async () => {
  const store = makeStore();
  const n = LIMITS.problemsListed + 500;
  const recs = Array.from({ length: n }, (_, i) => record(i + 1, { expiry: '2913' }));
  const { e, problems } = await refusal(store, plainRegistry(), 'b.json', jsonFile(recs));
  assert.equal(problems.length, LIMITS.problemsListed);
  assert.equal((e as unknown as { total: number }).total, n);
  const head = e.message.split('\n')[0];
  assert.match(head, new RegExp(`${n.toLocaleString('en-US')} problems`));
  assert.equal(head.match(/problem/g)!.length, 1, head);
});

test('a bad record and a product refusal elsewhere are both listed', async () => {
  const store = makeStore();
  const { where } = await refusal(store, plainRegistry(), 'b.json', jsonFile([record(1, { expiry: '2913' }), record(2, { name: 'XAVIER/X' })]));
  assert.deepEqual(where, ['1:expiry', '2:name']);
});
