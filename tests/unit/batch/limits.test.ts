import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importBatch } from '../../../electron/core/batch/import';
import { makeStore, record, pan } from '../../support/core-fixture';
import { demoProduct, demoRecords } from '../../../electron/cli/demo';
import { plainRegistry, realRegistry, refusal, jsonFile, lastMonth } from './support';

// Issue 12 item 3: every field has a documented limit, control and look-alike characters are
// refused, unknown keys are refused everywhere, and what needs context (expiry against the
// import date, duplicate card numbers, the product's chip profile) is checked at import.

test('oversized values, too many keys and control or look-alike characters are refused by field', async () => {
  const store = makeStore();
  const manyKeys = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v']));
  const bad = [
    record(1, { fields: { company: 'x'.repeat(10_000) } }),
    record(2, { fields: manyKeys }),
    record(3, { dgis: [{ dgi: '0101', data: 'AB'.repeat(10_000), encrypted: false }] }),
    record(4, { recordId: 'R\u0000004' }),
    record(5, { fields: { company: 'AC\u0000ME' } }),
    record(6, { recordId: 'R000001\u200B' }),
    record(7, { recordId: '\uFF32000007' }),
    record(8, { name: 'DOE\u202E/JOHN' }),
    record(9, { dgis: Array.from({ length: 100 }, () => ({ dgi: '0101', data: '00', encrypted: false })) }),
  ];
  const { where } = await refusal(store, plainRegistry(), 'b.json', jsonFile([record(100), ...bad]));
  for (const w of ['2:fields.company', '3:fields', '4:dgis[0].data', '5:recordId', '6:fields.company', '7:recordId', '8:recordId', '9:name', '10:dgis'])
    assert.ok(where.includes(w), `${w} not refused: ${where.join(' ')}`);
  assert.equal(store.counts().total, 0);
});

test('unknown keys are refused in the header, records, DGIs and fields, __proto__ and constructor too', async () => {
  const store = makeStore();
  const text = `{"format":"perso-batch/1","batchId":"B1","productId":"P1","__proto__":{"polluted":1},"records":[${JSON.stringify(record(1))},` +
    `${JSON.stringify(record(2)).slice(0, -1)},"__proto__":{"x":1}},` +
    `${JSON.stringify(record(3, { dgis: [{ dgi: '0101', data: '00', encrypted: false, key: 'x' } as never] }))},` +
    `${JSON.stringify(record(4, { fields: { constructor: 'x' } }))},` +
    `${JSON.stringify({ ...record(5), constructor: 'x' })}]}`;
  const { where } = await refusal(store, plainRegistry(), 'b.json', text);
  for (const w of ['-:__proto__', '2:__proto__', '3:dgis[0].key', '4:fields.constructor', '5:constructor']) assert.ok(where.some((x) => x.startsWith(w)), `${w} not refused: ${where.join(' ')}`);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(store.counts().total, 0);
});

test('an all-zero PAN, a repeated PAN and expired or impossible expiry dates are refused', async () => {
  const store = makeStore();
  const recs = [record(1), record(2, { pan: '000000000000' }), record(3, { pan: pan(1) }), record(4, { expiry: '0001' }), record(5, { expiry: '1912' }), record(6, { expiry: '2001' }), record(7, { expiry: lastMonth() }), record(8, { expiry: '9912' })];
  const { where } = await refusal(store, plainRegistry(), 'b.json', jsonFile(recs));
  for (const w of ['2:pan', '3:pan', '4:expiry', '5:expiry', '6:expiry', '7:expiry', '8:expiry']) assert.ok(where.includes(w), `${w} not refused: ${where.join(' ')}`);
  assert.ok(!where.includes('1:pan') && !where.includes('1:expiry'));
  assert.equal(store.counts().total, 0);
});

test('a product may allow the same PAN twice (replacement cards)', async () => {
  const store = makeStore();
  const r = await importBatch({ store, products: plainRegistry({ allowDuplicatePans: true }) }, 'b.json', jsonFile([record(1), record(2, { pan: pan(1) })]), null);
  assert.equal(r.records, 2);
});

test("DGIs are checked against what STORE DATA carries and the product's chip profile", async () => {
  const store = makeStore();
  const p = demoProduct();
  p.chip = { ...p.chip!, dgis: { allowed: ['0101', '0102', '8000', '9000', '8010', '9010', '0202', '0203', '8201', '8202', '8203', '8204', '8205'], maxBytes: 200 } } as never;
  const [a, b, c, d] = demoRecords(4, Buffer.alloc(16, 1));
  const dup = { ...b, dgis: [...b.dgis!, b.dgis![0]] };
  const unknownTag = { ...c, dgis: [...c.dgis!, { dgi: '7777', data: '00', encrypted: false }] };
  const long = { ...d, dgis: [...d.dgis!.slice(1), { dgi: '0101', data: '00'.repeat(201), encrypted: false }] };
  const { where } = await refusal(store, realRegistry(p), 'b.json', JSON.stringify({ format: 'perso-batch/1', batchId: 'B1', productId: p.id, records: [a, dup, unknownTag, long] }));
  assert.ok(where.some((w) => w.startsWith('2:dgis[')), where.join(' '));
  assert.ok(where.some((w) => w.startsWith('3:dgis[')), where.join(' '));
  assert.ok(where.some((w) => w.startsWith('4:dgis[')), where.join(' '));
  assert.ok(!where.some((w) => w.startsWith('1:')), where.join(' '));
  assert.equal(store.counts().total, 0);
});
