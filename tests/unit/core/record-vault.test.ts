import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RecordVault, PARALLEL_SEAL_MIN } from '../../../electron/core/store/record-vault';
import { importBatch } from '../../../electron/core/batch/import';
import { ProductRegistry } from '../../../electron/core/products';
import { ValidationError } from '../../../shared/domain/problems';
import type { CardRecord } from '../../../shared/domain/record';
import { makeStore, record, tempDir } from '../../support/core-fixture';

// Batch sealing: in worker threads for a large batch, inline for a small one. Either way each
// record is AES-256-GCM under the station key with its own IV, bound to its place by the AAD.

function records(n: number): CardRecord[] {
  return Array.from({ length: n }, (_, i) =>
    record(i + 1, i % 3 ? { dgis: [{ dgi: '8000', data: 'AB'.repeat(24), encrypted: true }], fields: { note: `é${i} ü` } } : {}),
  );
}

test('a large batch is sealed record by record: every record opens at its place, and only there', () => {
  const vault = RecordVault.open(join(tempDir('vault'), 'record.key'));
  const rs = records(PARALLEL_SEAL_MIN + 1500);
  const sealed = vault.sealAll(rs, 'B9/');
  const ivs = new Set<string>();
  try {
    for (let i = rs.length - 1; i >= 0; i--) {
      const s = sealed.get(i);
      assert.deepEqual(vault.open(Buffer.from(s), `B9/${i}`), rs[i]);
      ivs.add(s.subarray(0, 12).toString('hex'));
      assert.ok(!s.includes(Buffer.from(rs[i].recordId)), 'the record is not stored in clear');
    }
  } finally {
    sealed.close();
  }
  assert.equal(ivs.size, rs.length, 'one IV per record');
  const again = vault.sealAll(rs, 'B9/');
  const s = again.get(7);
  again.close();
  assert.throws(() => vault.open(s, 'B9/8'), /auth/i, 'a record moved to another place does not open');
  assert.throws(() => RecordVault.open(':memory:').open(s, 'B9/7'), /auth/i, 'another station key does not open it');
});

test('a small batch is sealed inline the same way', () => {
  const vault = RecordVault.open(':memory:');
  const rs = records(10);
  const sealed = vault.sealAll(rs, 'S/');
  assert.deepEqual(vault.open(sealed.get(3), 'S/3'), rs[3]);
  sealed.close();
});

test('closing before the sealing is taken, and a refused batch, leave nothing behind', async () => {
  const vault = RecordVault.open(':memory:');
  vault.sealAll(records(PARALLEL_SEAL_MIN), 'X/').close();
  const store = makeStore();
  const reg = new ProductRegistry({ product: () => [], record: (_p, r, n) => (n === PARALLEL_SEAL_MIN ? [{ record: n, recordId: r.recordId, field: 'name', message: 'no' }] : []) });
  reg.add({ id: 'P1', name: 'Plain', test: true, steps: ['emboss'], layout: { front: [], back: [] }, retries: {}, secureFields: [] } as never);
  const file = JSON.stringify({ format: 'perso-batch/1', batchId: 'BIG', productId: 'P1', records: records(PARALLEL_SEAL_MIN + 10) });
  await assert.rejects(importBatch({ store, products: reg }, 'big.json', file, null), ValidationError);
  assert.equal(store.counts().total, 0);
});

test('a large import stores records that open to what the file held', async () => {
  const store = makeStore();
  const reg = new ProductRegistry({ product: () => [], record: () => [] });
  reg.add({ id: 'P1', name: 'Plain', test: true, steps: ['emboss'], layout: { front: [], back: [] }, retries: {}, secureFields: [] } as never);
  const rs = records(PARALLEL_SEAL_MIN + 300);
  const r = await importBatch({ store, products: reg }, 'big.json', JSON.stringify({ format: 'perso-batch/1', batchId: 'BIG', productId: 'P1', records: rs }), 'alice');
  assert.equal(r.records, rs.length);
  assert.equal(store.counts('BIG').queued, rs.length);
  for (const i of [0, 1, 2047, 2048, rs.length - 1]) {
    const got = store.openRecord({ batch_id: 'BIG', record_index: i });
    const want = i % 3 ? { ...rs[i], dgis: rs[i].dgis!.map((d) => ({ ...d })) } : rs[i];
    assert.deepEqual(got, want);
  }
});
