import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { AuditLog } from '../../../electron/core/audit/log';

// Logs over 30,000 entries are verified with a worker thread hashing while the main thread reads;
// the worker path must name the first bad entry exactly as the main-thread path does.
function bigLog(n: number) {
  const db = new Database(':memory:');
  const log = new AuditLog(db);
  const batch = Array.from({ length: 1000 }, (_, i) => ({ type: 'test.entry', severity: 'info' as const, outcome: 'success' as const, origin: 'test', message: `entry ${i}` }));
  for (let k = 0; k < n / 1000; k++) log.appendMany(batch);
  return { db, log };
}

test('worker-path verify: intact, then a change and a deletion in the second chunk are named', () => {
  const { db, log } = bigLog(35_000);
  const ok = log.verify();
  assert.ok(ok.ok && ok.count === 35_000, JSON.stringify(ok));
  for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]) db.exec(`DROP TRIGGER ${t.name}`);
  db.prepare("UPDATE audit_chain SET canon = CAST(replace(CAST(canon AS TEXT), 'entry 12', 'entry 99') AS BLOB) WHERE seq = 12013").run();
  const changed = log.verify();
  assert.equal(changed.ok, false);
  assert.equal(!changed.ok && changed.firstBadSeq, 12013);
  assert.equal(!changed.ok && changed.problem, 'changed');
  const fresh = bigLog(35_000);
  for (const t of fresh.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]) fresh.db.exec(`DROP TRIGGER ${t.name}`);
  fresh.db.prepare('DELETE FROM audit_chain WHERE seq = 21000').run();
  const removed = fresh.log.verify();
  assert.equal(!removed.ok && removed.firstBadSeq, 21000);
  assert.equal(!removed.ok && removed.problem, 'removed');
  log.close();
  fresh.log.close();
});
