import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeStore, record } from '../../support/core-fixture';
import { ImportPipeline } from '../../../electron/core/batch/pipeline';
import { SealPool } from '../../../electron/core/batch/seal-pool';
import type { Db } from '../../../electron/core/store/db';
import { plainRegistry } from './support';

// The import worker shares the store with the device thread, whose card writes wait for the
// write lock (busy_timeout: SQLite's busy handler sleeps 1, 2, 5, 10, 15, 20 ms… between tries,
// so a write that finds the lock held for 20 ms waits 33 ms). The importer therefore writes in
// short transactions paced by its reading: one short transaction per stretch of records read,
// never a run of transactions back to back. Before this, the rows of a sealed block (4096) were
// written in eight 500-row transactions one after the other, and the device thread's writes
// waited 33–55 ms (bench/import-stall.bench.ts). Counted here, not timed.
const MAX_ROWS = 64;

test('the import writes in short transactions, each after more of the file was read or the event loop turned', async () => {
  const store = makeStore();
  const n = 10_000;
  let pushes = 0;
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  // Rows written per stretch with nothing read and no turn of the event loop in between.
  const burst = new Map<string, number>();
  let txns = 0;
  let maxRows = 0;
  const spy = new Proxy(store.db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string) => {
          const st = target.prepare(sql);
          if (!/^INSERT INTO records/.test(sql)) return st;
          return new Proxy(st, { get: (s, p) => (p === 'run' ? (...a: unknown[]) => ((inTxn.rows++, (s.run as (...x: unknown[]) => unknown)(...a))) : Reflect.get(s, p, s)) });
        };
      }
      if (prop === 'transaction') {
        return (fn: (...a: unknown[]) => unknown) => {
          const t = target.transaction(fn);
          return (...a: unknown[]) => {
            inTxn.rows = 0;
            const r = t(...a);
            if (inTxn.rows) {
              txns++;
              maxRows = Math.max(maxRows, inTxn.rows);
              const key = `${pushes}/${turn}`;
              burst.set(key, (burst.get(key) ?? 0) + inTxn.rows);
            }
            return r;
          };
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as Db;
  const inTxn = { rows: 0 };
  const pool = new SealPool(store.vault.keyCopy(), 1);
  try {
    const pipeline = new ImportPipeline({ db: spy, vault: store.vault, sealPool: pool, products: plainRegistry(), fileName: 'b.json', by: null });
    // Fed one record per push: the pushes count the records read.
    pipeline.push(JSON.stringify({ format: 'perso-batch/1', batchId: 'PACE', productId: 'P1' }).slice(0, -1) + ',"records":[');
    for (let i = 0; i < n; i++) {
      pushes++;
      pipeline.push((i ? ',' : '') + JSON.stringify(record(i + 1)));
    }
    pushes++;
    pipeline.push(']}');
    const r = await pipeline.finish();
    assert.equal(r.records, n);
  } finally {
    ticking = false;
    pool.close();
  }
  assert.ok(maxRows <= MAX_ROWS, `a transaction wrote ${maxRows} records (at most ${MAX_ROWS})`);
  const worst = Math.max(...burst.values());
  assert.ok(worst <= MAX_ROWS, `${worst} records were written back to back with nothing read in between (at most ${MAX_ROWS}; ${txns} transactions)`);
  // Everything stored, in order, and each record opens at its place.
  assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM cards WHERE batch_id = 'PACE'").get() as { n: number }).n, n);
  for (const i of [0, 4095, 4096, 9999]) {
    const row = store.db.prepare("SELECT record_id, sealed FROM records WHERE batch_id = 'PACE' AND record_index = ?").get(i) as { record_id: string; sealed: Buffer };
    assert.equal(row.record_id, record(i + 1).recordId);
    assert.equal(store.vault.open(row.sealed, `PACE/${i}`).pan, record(i + 1).pan);
  }
});
