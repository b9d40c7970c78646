import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBatchJson, parseBatchCsv } from '../../../shared/batch/format';
import { importBatch } from '../../../electron/core/batch/import';
import { ProductRegistry } from '../../../electron/core/products';
import { ValidationError } from '../../../shared/domain/problems';
import { ConflictError } from '../../../electron/core/store/card-store';
import { makeStore, record, pan } from '../../support/core-fixture';

const product = { id: 'P1', name: 'Plain', test: true, steps: ['emboss'] as const, layout: { front: [], back: [] }, retries: {}, secureFields: [] };
function registry() {
  const r = new ProductRegistry({ product: () => [], record: (_p, rec, n) => (rec.name.includes('X') ? [{ record: n, recordId: rec.recordId, field: 'name', message: 'product says no X' }] : []) });
  r.add(product as never);
  return r;
}
const file = (records: unknown[], extra: object = {}) => JSON.stringify({ format: 'perso-batch/1', batchId: 'B1', productId: 'P1', records, ...extra });

test('a clean JSON batch is stored whole, one queued card per record', async () => {
  const store = makeStore();
  const r = await importBatch({ store, products: registry() }, 'b.json', file([record(1), record(2), record(3)]), 'alice');
  assert.deepEqual(r, { batchId: 'B1', productId: 'P1', records: 3 });
  assert.equal(store.counts('B1').queued, 3);
  const first = store.page({ batchId: 'B1', offset: 0, limit: 10 }).rows[0];
  assert.equal(first.masked_pan, '411111******0017'.slice(0, 6) + '******' + pan(1).slice(-4));
  assert.equal(store.openRecord(first).pan, pan(1));
});

test('every problem of a bad file is listed with record number and field, and nothing is stored', async () => {
  const store = makeStore();
  const bad = [record(1), { ...record(2), pan: '4111111111111112' }, { ...record(3), expiry: '2813', bogus: 1 }, record(1), { ...record(5), name: 'XAVIER/X' }];
  await assert.rejects(
    importBatch({ store, products: registry() }, 'bad.json', file(bad), 'alice'),
    (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      const got = e.problems.map((p) => `${p.record}:${p.field}`);
      assert.ok(got.includes('2:pan'), got.join());
      assert.ok(got.includes('3:expiry'));
      assert.ok(got.includes('3:bogus'));
      assert.ok(got.includes('4:recordId'));
      // the problems never echo the card number
      assert.ok(!e.message.includes('4111111111111112'));
      return true;
    },
  );
  assert.equal(store.hasBatch('B1'), false);
  assert.equal(store.counts().total, 0);
});

test('product checks run per record at import', async () => {
  const store = makeStore();
  await assert.rejects(importBatch({ store, products: registry() }, 'b.json', file([record(1), record(2, { name: 'XAVIER/X' })]), null), (e: unknown) => {
    assert.ok(e instanceof ValidationError);
    assert.deepEqual(e.problems.map((p) => [p.record, p.field]), [[2, 'name']]);
    return true;
  });
  assert.equal(store.counts().total, 0);
});

test('the same batch id twice is refused', async () => {
  const store = makeStore();
  await importBatch({ store, products: registry() }, 'b.json', file([record(1)]), null);
  await assert.rejects(importBatch({ store, products: registry() }, 'b.json', file([record(9)]), null), ConflictError);
  assert.equal(store.counts('B1').total, 1);
});

test('unknown product and broken JSON are clear problems', async () => {
  const store = makeStore();
  await assert.rejects(importBatch({ store, products: registry() }, 'b.json', file([record(1)], { productId: 'NOPE' }), null), /NOPE/);
  const r = parseBatchJson('{"format": "perso-batch/1", "records": [');
  assert.equal(r.batch, null);
  assert.ok(r.problems.some((p) => p.field === '(file)' && /cut short/.test(p.message)), JSON.stringify(r.problems));
});

test('CSV batches with a preamble, quoting and template fields', async () => {
  const text = `# batchId: C1\n# productId: P1\nrecordId,pan,expiry,name,fields.company\nA1,${pan(1)},2811,DOE/JOHN,"ACME, Inc."\nA2,${pan(2)},2812,ROE/JANE,\n`;
  const r = await parseBatchCsv(text);
  assert.deepEqual(r.problems, []);
  assert.equal(r.batch!.header.batchId, 'C1');
  assert.equal(r.batch!.records[0].fields!.company, 'ACME, Inc.');
  assert.equal(r.batch!.records.length, 2);
  const bad = await parseBatchCsv(`# batchId: C1\n# productId: P1\nrecordId,pan,colour\nA1,${pan(1)},red\n`);
  assert.equal(bad.batch, null);
  assert.match(bad.problems[0].field, /colour/);
});
