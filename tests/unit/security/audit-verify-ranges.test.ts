import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { GENESIS_HASH } from '../../../electron/core/audit';
import { CHAIN_TAG } from '../../../electron/core/audit/chain';
import { verifyRanges } from '../../../electron/core/audit/range-verify';
import { dropGuards, entry, setup } from './helpers';

// A file-backed log of 30,000 entries or more is checked by worker threads, each reading its own
// seq range over its own connection. They may only ever say "intact"; anything else must fall
// back to the walk that names the first bad entry, exactly as for a small log.

const TAG_BYTES = Buffer.byteLength(CHAIN_TAG);
const N = 40_000;

function big() {
  const s = setup();
  for (let k = 0; k < N / 1000; k++) s.audit.appendMany(Array.from({ length: 1000 }, (_, i) => entry(k * 1000 + i + 1)));
  return s;
}

function hashOf(db: Database.Database, seq: number): string {
  return (db.prepare('SELECT hash FROM audit_chain WHERE seq = ?').get(seq) as { hash: string }).hash;
}

function editCanon(db: Database.Database, seq: number, from: string, to: string): void {
  db.prepare('UPDATE audit_chain SET canon = CAST(replace(CAST(canon AS TEXT), ?, ?) AS BLOB) WHERE seq = ?').run(from, to, seq);
}

test('the ranges prove an intact log and hand back its head; a wrong start or a memory database gets no answer', (t) => {
  const s = big();
  t.after(s.cleanup);
  const seen: number[] = [];
  const r = verifyRanges(s.db, { afterSeq: 0, prevHash: GENESIS_HASH, lastSeq: N }, TAG_BYTES, (k) => seen.push(k));
  assert.deepEqual(r, { headSeq: N, headHash: s.audit.head().hash, prevHeadHash: hashOf(s.db, N - 1), indexBreak: null });
  assert.equal(seen.at(-1), N, 'progress reaches every entry');
  assert.ok(seen.every((k, i) => i === 0 || k >= seen[i - 1]), 'progress never goes back');

  // A start in the middle (as after archiving): fine from the right hash, refused from any other.
  assert.equal(verifyRanges(s.db, { afterSeq: 12_345, prevHash: hashOf(s.db, 12_345), lastSeq: N }, TAG_BYTES)?.headSeq, N);
  assert.equal(verifyRanges(s.db, { afterSeq: 12_345, prevHash: hashOf(s.db, 12_344), lastSeq: N }, TAG_BYTES), null);
  // More entries claimed than there are: the last range comes up short.
  assert.equal(verifyRanges(s.db, { afterSeq: 0, prevHash: GENESIS_HASH, lastSeq: N + 5 }, TAG_BYTES), null);

  const mem = new Database(':memory:');
  t.after(() => mem.close());
  assert.equal(verifyRanges(mem, { afterSeq: 0, prevHash: GENESIS_HASH, lastSeq: N }, TAG_BYTES), null);
  // Inside a transaction the caller may hold entries no other connection can see.
  s.db.transaction(() => assert.equal(verifyRanges(s.db, { afterSeq: 0, prevHash: GENESIS_HASH, lastSeq: N }, TAG_BYTES), null))();
});

test('verify through the ranges: an intact log, then breaks on either side of a range boundary are named exactly', (t) => {
  const s = big();
  t.after(s.cleanup);
  const ok = s.audit.verify();
  const { anchor, ...chain } = ok as Extract<typeof ok, { ok: true }>;
  assert.deepEqual(chain, { ok: true, count: N, firstSeq: 1, headSeq: N, headHash: s.audit.head().hash, archivedFiles: 0 });
  assert.equal(anchor?.source, 'head file');
  dropGuards(s.db);
  // With 2–4 workers a range boundary falls at N/2 or N/4·k; N/2 is one in every case.
  const edge = N / 2;

  // The first entry of the second range changed.
  editCanon(s.db, edge + 1, `card ${edge + 1} done`, `card ${edge + 1} void`);
  let r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === edge + 1 && r.problem === 'changed', JSON.stringify(r));
  editCanon(s.db, edge + 1, `card ${edge + 1} void`, `card ${edge + 1} done`);
  assert.equal(s.audit.verify().ok, true, 'put back, the chain is whole again');

  // The last entry of the first range: its stored hash is what the next range starts from.
  s.db.prepare('UPDATE audit_chain SET hash = ? WHERE seq = ?').run('f'.repeat(64), edge);
  r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === edge && r.problem === 'changed', JSON.stringify(r));

  // Deep in the last range, and a removal right at the boundary.
  const fresh = big();
  t.after(fresh.cleanup);
  dropGuards(fresh.db);
  editCanon(fresh.db, N - 3, `card ${N - 3} done`, `card ${N - 3} gone`);
  r = fresh.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === N - 3 && r.problem === 'changed', JSON.stringify(r));
  editCanon(fresh.db, N - 3, `card ${N - 3} gone`, `card ${N - 3} done`);
  fresh.db.prepare('DELETE FROM audit_chain WHERE seq = ?').run(edge + 1);
  r = fresh.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === edge + 1 && r.problem === 'removed', JSON.stringify(r));
});

test('the range workers check the search and text index of their ranges too (issue 17 item 2)', (t) => {
  const s = big();
  t.after(s.cleanup);
  s.audit.flushIndex();
  assert.equal(verifyRanges(s.db, { afterSeq: 0, prevHash: GENESIS_HASH, lastSeq: N }, TAG_BYTES)?.indexBreak, null);
  // An edited head deep in the last range: its type no longer says what the entry says.
  const seq = N - 10;
  s.db.prepare(`UPDATE audit_search SET head = CAST(replace(CAST(head AS TEXT), '"card.done"', '"card.void"') AS BLOB) WHERE seq = ?`).run(seq);
  assert.equal(verifyRanges(s.db, { afterSeq: 0, prevHash: GENESIS_HASH, lastSeq: N }, TAG_BYTES)?.indexBreak, seq);
  let r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === seq && r.problem === 'index' && r.message.includes(`search index differs from entry ${seq}: type`), JSON.stringify(r));
  // A deleted text row in the first range comes first.
  s.db.prepare('DELETE FROM audit_fts WHERE rowid = ?').run(123);
  r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 123 && r.problem === 'index' && /text index has no row for entry 123/.test(r.message), JSON.stringify(r));
});
