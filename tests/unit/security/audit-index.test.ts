import { test } from 'node:test';
import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import { entry, setup } from './helpers';

// Issue 17 item 2: a filter reads the search index (audit_search) and the text index (audit_fts),
// not the chain. An index edited apart from the chain must make verify fail and name the entry,
// or a review could be blinded while verify says intact. Entries the indexer has not reached yet
// are not tampering: a query indexes them from the chain before it runs.

const FAILED = 7;

function station(n = 20) {
  const s = setup();
  s.audit.appendMany(Array.from({ length: n }, (_, i) => (i + 1 === FAILED
    ? { type: 'card.failed', severity: 'error' as const, outcome: 'failure' as const, user: 'op1', origin: 'station', batchId: 'B1', cardId: 41, message: 'card 41 failed at emboss' }
    : entry(i + 1, { batchId: 'B1' }))));
  s.audit.flushIndex();
  return s;
}

/** Makes the search index say `card.done` for the card.failed entry, as someone with the file would. */
function hideFailure(db: Database.Database, seq: number): void {
  try {
    // Before schema v3 the filter columns were plain copies.
    db.prepare("UPDATE audit_search SET type = 'card.done' WHERE seq = ?").run(seq);
  } catch {
    // Since v3 they are generated from the head of the entry's bytes: the head is what can be edited.
    db.prepare(`UPDATE audit_search SET head = CAST(replace(CAST(head AS TEXT), '"card.failed"', '"card.done"') AS BLOB) WHERE seq = ?`).run(seq);
  }
}

test('an edited search index (the type of a card.failed entry) fails verify, naming the entry and the column', (t) => {
  const s = station();
  t.after(s.cleanup);
  assert.equal(s.audit.verify().ok, true);
  assert.equal(s.audit.query({ type: 'card.failed' }).rows.length, 1);
  for (const tr of s.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'").pluck().all() as string[]) s.db.exec(`DROP TRIGGER ${tr}`);
  hideFailure(s.db, FAILED);
  assert.equal(s.audit.query({ type: 'card.failed' }).rows.length, 0, 'the edit hides the entry from the filter');
  const r = s.audit.verify();
  assert.ok(!r.ok, 'verify must not call the log intact');
  assert.equal(r.firstBadSeq, FAILED);
  assert.equal(r.problem, 'index');
  assert.match(r.message, new RegExp(`search index differs from entry ${FAILED}: type`));
});

test('a deleted search row fails verify; so does a row made up for an entry that is not online', (t) => {
  const s = station();
  t.after(s.cleanup);
  s.db.prepare('DELETE FROM audit_search WHERE seq = ?').run(FAILED);
  let r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === FAILED && r.problem === 'index', JSON.stringify(r));
  assert.match(r.message, /search index has no row for entry 7/);
  s.audit.rebuildIndex();
  assert.equal(s.audit.verify().ok, true, 'a rebuilt index is true to the chain again');
  // A row beyond the indexed entries would be found by a filter but is no entry of the log.
  s.db.prepare('INSERT INTO audit_search (seq, head) SELECT 999, head FROM audit_search WHERE seq = ?').run(FAILED);
  r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 999 && r.problem === 'index', JSON.stringify(r));
});

test('a head cut short at an earlier element (its bytes still the entry\'s) fails verify, naming the entry', (t) => {
  const s = station();
  t.after(s.cleanup);
  const head = s.db.prepare('SELECT head FROM audit_search WHERE seq = ?').pluck().get(FAILED) as Buffer;
  // Cut just before the type: every byte left is the entry's and a comma follows it there, but the
  // array closes after two elements, so type and every later column read blank.
  const cut = head.indexOf(Buffer.from(',"card.failed"'));
  assert.ok(cut > 0);
  s.db.prepare('UPDATE audit_search SET head = ? WHERE seq = ?').run(head.subarray(0, cut), FAILED);
  assert.equal(s.audit.query({ type: 'card.failed' }).rows.length, 0, 'the cut hides the entry from the filter');
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === FAILED && r.problem === 'index', JSON.stringify(r));
  assert.match(r.message, new RegExp(`search index differs from entry ${FAILED}: ts, type`));
});

test('an edited head in a log large enough for the range workers fails verify, naming the entry', (t) => {
  const s = setup();
  t.after(s.cleanup);
  const N = 30_000;
  for (let i = 0; i < N; i += 1000) s.audit.appendMany(Array.from({ length: 1000 }, (_, k) => (i + k + 1 === 23_456
    ? { type: 'card.failed', severity: 'error' as const, outcome: 'failure' as const, origin: 'station', message: 'card failed at emboss' }
    : entry(i + k + 1))));
  s.audit.flushIndex();
  assert.equal(s.audit.verify().ok, true);
  hideFailure(s.db, 23_456);
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 23_456 && r.problem === 'index', JSON.stringify(r));
  // A deleted row in the middle of a worker's range: found at its entry, not at its chunk.
  s.audit.rebuildIndex();
  s.db.prepare('DELETE FROM audit_search WHERE seq = ?').run(12_345);
  const r2 = s.audit.verify();
  assert.ok(!r2.ok && r2.firstBadSeq === 12_345 && r2.problem === 'index', JSON.stringify(r2));
});

test('a deleted or rewritten text row fails verify, naming the entry', (t) => {
  const s = station();
  t.after(s.cleanup);
  assert.equal(s.audit.query({ text: 'emboss' }).rows.length, 1);
  s.db.prepare('DELETE FROM audit_fts WHERE rowid = ?').run(FAILED);
  assert.equal(s.audit.query({ text: 'emboss' }).rows.length, 0, 'the deletion hides the entry from a text search');
  let r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === FAILED && r.problem === 'index', JSON.stringify(r));
  assert.match(r.message, /text index has no row for entry 7/);

  const t2 = station();
  t.after(t2.cleanup);
  // Rewritten in place: the row is still there, with other words.
  t2.db.prepare("UPDATE audit_fts SET message = 'card 41 done' WHERE rowid = ?").run(FAILED);
  assert.equal(t2.audit.query({ text: 'emboss' }).rows.length, 0);
  r = t2.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === FAILED && r.problem === 'index', JSON.stringify(r));
  assert.match(r.message, /text index row of entry 7 was rewritten/);
});

test('entries the indexer has not reached yet are not tampering, and a query still finds them', (t) => {
  const s = station();
  t.after(s.cleanup);
  // Appended after the last indexing: no search or text rows yet (the indexer runs 100 ms later).
  s.audit.appendMany(Array.from({ length: 5 }, (_, i) => ({ type: 'card.failed', severity: 'error' as const, outcome: 'failure' as const, origin: 'station', message: `late failure ${i}` })));
  assert.equal((s.db.prepare('SELECT indexed_through FROM audit_index_state').pluck().get() as number), 20, 'not indexed yet');
  const r = s.audit.verify();
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.count, 25);
  assert.equal(s.audit.query({ type: 'card.failed' }).rows.length, 6);
  assert.equal(s.audit.verify().ok, true, 'and once indexed');
});
