import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../../../electron/core/audit';
import { migrate } from '../../../electron/core/store/migrate';
import { CORE_MIGRATIONS } from '../../../electron/core/store/core-migrations';
import { REPORTS_DOMAIN, REPORTS_MIGRATIONS } from '../../../electron/core/reports/schema';
import { dropGuards, entry, setup } from './helpers';

type Db = import('better-sqlite3').Database;

/** A store with one batch of `cards` cards, each with its entries and a card.passed outcome. */
function station(cards: number) {
  const s = setup();
  migrate(s.db, 'core', CORE_MIGRATIONS);
  s.db.prepare("INSERT INTO batches (batch_id, product_id, file_name, record_count, imported_at) VALUES ('B1', 'debit', 'b1.csv', ?, 0)").run(cards);
  for (let i = 1; i <= cards; i++) {
    s.db.prepare("INSERT INTO records (batch_id, record_index, record_id, masked_pan) VALUES ('B1', ?, ?, '411111******1111')").run(i, `R${i}`);
    s.db.prepare("INSERT INTO cards (batch_id, record_index, record_id, masked_pan, state, created_at, updated_at) VALUES ('B1', ?, ?, '411111******1111', 'passed', 0, 0)").run(i, `R${i}`);
    s.clock.t += 1000;
    s.audit.appendMany([entry(i, { type: 'step.chip', cardId: i }), entry(i, { type: 'step.msr', cardId: i })]);
    s.audit.append(entry(i, { type: 'card.passed', cardId: i, batchId: 'B1' }));
  }
  return s;
}

function headSeq(db: Db): number {
  return db.prepare('SELECT max(seq) FROM audit_chain').pluck(true).get() as number;
}

test('anchor: an emptied log on a store with batches and cards does not verify, and says what is missing', (t) => {
  const s = station(10);
  t.after(s.cleanup);
  assert.equal(headSeq(s.db), 30);
  dropGuards(s.db);
  s.db.exec('DELETE FROM audit_chain');
  const r = s.audit.verify();
  assert.ok(!r.ok, JSON.stringify(r));
  assert.equal(r.problem, 'removed');
  assert.equal(r.firstBadSeq, 1);
  assert.match(r.message, /entries 1–30 are missing: the head was anchored at 30 on 2025-01-01 00:00:10 UTC/);
});

test('anchor: with the head file gone too, an empty log beside batches and cards is reported, not called intact', (t) => {
  const s = station(3);
  t.after(s.cleanup);
  dropGuards(s.db);
  s.db.exec('DELETE FROM audit_chain');
  unlinkSync(join(s.dir, 'audit-head.json'));
  const r = s.audit.verify();
  assert.ok(!r.ok, JSON.stringify(r));
  assert.match(r.message, /the log holds no entries, but the store holds 1 batches, 3 cards and 0 sign-offs/);
});

test('anchor: deleting the newest 20 entries is named: entries 701–720 missing, anchored at 720', (t) => {
  const s = station(240);
  t.after(s.cleanup);
  assert.equal(headSeq(s.db), 720);
  dropGuards(s.db);
  s.db.exec('DELETE FROM audit_chain WHERE seq > 700');
  const r = s.audit.verify();
  assert.ok(!r.ok, JSON.stringify(r));
  assert.equal(r.firstBadSeq, 701);
  assert.equal(r.problem, 'removed');
  assert.match(r.message, /^entries 701–720 are missing: the head was anchored at 720 on 2025-01-01 00:04:00 UTC \(head file\)/);
});

test('anchor: a sign-off binds the head too; with the head file deleted the truncation is still named', (t) => {
  const s = station(5);
  t.after(s.cleanup);
  migrate(s.db, REPORTS_DOMAIN, REPORTS_MIGRATIONS);
  const head = s.audit.head();
  s.db.prepare("INSERT INTO report_signoffs VALUES ('B1', 'reviewer', 'rev', 'Reviewer', 'supervisor', ?, ?, ?, 1)").run(s.now(), head.seq, head.hash);
  dropGuards(s.db);
  s.db.exec(`DELETE FROM audit_chain WHERE seq > ${head.seq - 4}`);
  unlinkSync(join(s.dir, 'audit-head.json'));
  const r = s.audit.verify();
  assert.ok(!r.ok, JSON.stringify(r));
  assert.match(r.message, new RegExp(`entries ${head.seq - 3}–${head.seq} are missing: the head was anchored at ${head.seq} on .*reviewer sign-off of batch B1`));
});

test('anchor: a chain rewritten from an anchored entry on does not match its anchor', (t) => {
  const s = station(5);
  t.after(s.cleanup);
  const anchored = s.audit.head();
  dropGuards(s.db);
  // Everything from entry 10 replaced by a freshly computed chain: every hash links, the anchor does not.
  s.db.exec('DELETE FROM audit_chain WHERE seq >= 10');
  const forger = new AuditLog(s.db, { now: s.now, headFile: null });
  for (let i = 10; i <= anchored.seq; i++) forger.append(entry(i, { message: 'rewritten' }));
  forger.close();
  const r = s.audit.verify({ anchors: [{ seq: anchored.seq, hash: anchored.hash, at: 0, source: 'head file' }] });
  assert.ok(!r.ok && r.problem === 'changed' && r.firstBadSeq === anchored.seq, JSON.stringify(r));
});

test('anchor: the head file is 0600, written atomically (no temp file left), and an intact log names it', (t) => {
  const s = station(2);
  t.after(s.cleanup);
  const path = join(s.dir, 'audit-head.json');
  assert.ok(existsSync(path));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(s.dir).filter((f) => f.endsWith('.tmp')), []);
  const r = s.audit.verify();
  assert.ok(r.ok && r.anchor?.seq === 6 && r.anchor.source === 'head file', JSON.stringify(r));
  // Entries after the anchor that are not a card outcome are not anchored yet, and still verify.
  s.audit.append(entry(99, { type: 'auth.login' }));
  const r2 = s.audit.verify();
  assert.ok(r2.ok && r2.headSeq === 7 && r2.anchor?.seq === 6, JSON.stringify(r2));
});

test('anchor: every 100 entries the head is anchored without a card outcome', (t) => {
  const s = setup();
  t.after(s.cleanup);
  for (let i = 0; i < 250; i++) s.audit.append(entry(i, { type: 'device.status' }));
  const r = s.audit.verify();
  assert.ok(r.ok && r.anchor?.seq === 200, JSON.stringify(r));
});
