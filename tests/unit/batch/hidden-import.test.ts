import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeStore, record } from '../../support/core-fixture';
import { BatchWriter } from '../../../electron/core/batch/batch-writer';
import { importBatch } from '../../../electron/core/batch/import';
import { ConflictError } from '../../../electron/core/store/card-store';
import { plainRegistry, jsonFile } from './support';

// A batch being imported is stored as it is read, in small transactions, hidden until its last
// one: nobody lists it, counts its cards or pages through them, and its id is taken. One that
// never finished (a crash) is deleted by the next import.
const header = { format: 'perso-batch/1' as const, batchId: 'H1', productId: 'P1' };

test('an unfinished import is invisible, its id is taken, and the next import deletes it', async () => {
  const store = makeStore();
  await importBatch({ store, products: plainRegistry() }, 'a.json', jsonFile([record(1)], { batchId: 'A1' }), null);
  const w = new BatchWriter(store.db, store.vault, header, 'h.json', null);
  w.begin();
  for (let i = 0; i < 1200; i++) w.add(record(i + 10), i);
  w.flush();
  assert.ok((store.db.prepare("SELECT COUNT(*) AS n FROM cards WHERE batch_id = 'H1'").get() as { n: number }).n > 0, 'rows were written before the end');
  assert.deepEqual(store.listBatches((x) => x).map((b) => b.batchId), ['A1']);
  assert.equal(store.counts().total, 1);
  assert.equal(store.page({ offset: 0, limit: 100 }).total, 1);
  assert.throws(() => store.batch('H1'));
  assert.equal(store.hasBatch('H1'), true);
  assert.throws(() => new BatchWriter(store.db, store.vault, header, 'again.json', null).begin(), ConflictError);

  // The station stopped there; the next import finds the abandoned rows and deletes them.
  await importBatch({ store, products: plainRegistry() }, 'b.json', jsonFile([record(2)], { batchId: 'B1' }), null);
  for (const t of ['cards', 'records', 'batches', 'batch_imports']) assert.equal((store.db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE batch_id = 'H1'`).get() as { n: number }).n, 0, t);
  assert.deepEqual(store.listBatches((x) => x).map((b) => b.batchId).sort(), ['A1', 'B1']);
});
