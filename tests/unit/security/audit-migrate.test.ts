import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, GENESIS_HASH } from '../../../electron/core/audit';
import { AUDIT_MIGRATIONS } from '../../../electron/core/audit/schema';
import { migrate, schemaVersion } from '../../../electron/core/store/migrate';

// A database written before chain v2: the 15 chained columns, the hash computed the v1 way.
function v1Database(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'perso-audit-v1-'));
  const db = new Database(join(dir, 'station.db'));
  migrate(db, 'audit', AUDIT_MIGRATIONS.slice(0, 1));
  const ins = db.prepare('INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
  let prev = GENESIS_HASH;
  const hashes: string[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const row = [seq, 1_700_000_000_000 + seq, 'card.done', 'info', 'success', 'op1', 'station', `card:${seq}`, 'B1', seq, null, '411111******1111', `card ${seq} "done" é😀\u0001`, seq % 2 ? '{"head":1}' : null, prev];
    prev = createHash('sha256').update('perso-audit-v1\n' + JSON.stringify(row)).digest('hex');
    ins.run(...row, prev);
    hashes.push(prev);
  }
  return { dir, db, hashes, cleanup: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

test('a v1 database migrates to stored canonical bytes with the chain unchanged, and appends continue it', (t) => {
  const v1 = v1Database(12_000);
  t.after(v1.cleanup);
  const audit = new AuditLog(v1.db, { now: () => 1_800_000_000_000 });
  t.after(() => audit.close());
  // v2 stores the canonical bytes; v3 makes the search index a copy of them (issue 17 item 2).
  assert.equal(schemaVersion(v1.db, 'audit'), 3);
  const stored = v1.db.prepare('SELECT hash FROM audit_chain ORDER BY seq').pluck().all();
  assert.deepEqual(stored, v1.hashes);
  // Each stored canon is exactly the bytes its v1 hash was computed over.
  const { canon, hash } = v1.db.prepare('SELECT canon, hash FROM audit_chain WHERE seq = 7').get() as { canon: Buffer; hash: string };
  assert.equal(createHash('sha256').update(canon).digest('hex'), hash);
  const v = audit.verify();
  assert.ok(v.ok && v.count === 12_000 && v.headHash === v1.hashes.at(-1), JSON.stringify(v));
  const e = audit.query({ cardId: 7 }).rows[0];
  assert.equal(e.message, 'card 7 "done" é😀\u0001');
  assert.deepEqual(e.data, { head: 1 });
  const next = audit.append({ type: 'station.start', severity: 'info', outcome: 'success', origin: 'station', message: 'after migration' });
  assert.equal(next.seq, 12_001);
  assert.equal(next.prevHash, v1.hashes.at(-1));
  assert.equal(audit.verify().ok, true);
});

test('an entry tampered with before the migration is still named after it', (t) => {
  const v1 = v1Database(30);
  t.after(v1.cleanup);
  v1.db.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET message = 'card 9 rejected' WHERE seq = 9");
  const audit = new AuditLog(v1.db);
  t.after(() => audit.close());
  const r = audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 9 && r.problem === 'changed', JSON.stringify(r));
  // The migration put the append-only guards back on the new table.
  assert.throws(() => v1.db.prepare("UPDATE audit_chain SET hash = 'x' WHERE seq = 1").run(), /append-only/);
});
