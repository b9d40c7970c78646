import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AuditLog, GENESIS_HASH } from '../../../electron/core/audit';
import { CHUNK } from '../../../electron/core/audit/chunk-check';
import { dropGuards, entry, setup } from './helpers';

type Db = import('better-sqlite3').Database;
const TAG = 'perso-audit-v1\n';

/** The chained columns of an entry, decoded from its stored bytes. */
function storedRow(db: Db, seq: number): unknown[] {
  const { canon } = db.prepare('SELECT canon FROM audit_chain WHERE seq = ?').get(seq) as { canon: Buffer };
  return JSON.parse(canon.toString('utf8').slice(TAG.length));
}

/** Rewrites an entry's stored bytes (as someone with the file would), leaving its hash alone. */
function editCanon(db: Db, seq: number, edit: (row: unknown[]) => void): void {
  const row = storedRow(db, seq);
  edit(row);
  db.prepare('UPDATE audit_chain SET canon = ? WHERE seq = ?').run(Buffer.from(TAG + JSON.stringify(row)), seq);
}

function fill(audit: AuditLog, n: number) {
  return audit.appendMany(Array.from({ length: n }, (_, i) => entry(i + 1)));
}

test('entries are numbered, timed and chained; the hash is SHA-256 of the documented encoding', (t) => {
  const s = setup();
  t.after(s.cleanup);
  const a = s.audit.append({ ...entry(1), resource: 'card:1', batchId: 'B1', cardId: 1, data: { z: 1, a: 'x' } });
  s.clock.t += 5;
  const b = s.audit.append(entry(2));
  assert.equal(a.seq, 1);
  assert.equal(b.seq, 2);
  assert.equal(a.prevHash, GENESIS_HASH);
  assert.equal(b.prevHash, a.hash);
  assert.equal(b.ts - a.ts, 5);
  // Re-derive the hash independently from the documented canonical form.
  const canon = 'perso-audit-v1\n' + JSON.stringify([1, a.ts, 'card.done', 'info', 'success', 'op1', 'station', 'card:1', 'B1', 1, null, null, 'card 1 done', '{"a":"x","z":1}', GENESIS_HASH]);
  assert.equal(a.hash, createHash('sha256').update(canon).digest('hex'));
  assert.deepEqual(s.audit.verify(), { ok: true, count: 2, firstSeq: 1, headSeq: 2, headHash: b.hash, archivedFiles: 0, anchor: null });
});

test('time in the log never goes backwards', (t) => {
  const s = setup();
  t.after(s.cleanup);
  const a = s.audit.append(entry(1));
  s.clock.t -= 60_000;
  const b = s.audit.append(entry(2));
  assert.equal(b.ts, a.ts);
});

test('a full PAN never lands in the log, in the message, the data or the PAN field', (t) => {
  const s = setup();
  t.after(s.cleanup);
  const e = s.audit.append({ ...entry(1), message: 'chip failed for 4111 1111 1111 1111 on head 2', maskedPan: '4111111111111111', data: { pan: '5500-0000-0000-0004', n: 4111111111111111, ok: true } });
  assert.equal(e.message, 'chip failed for 411111******1111 on head 2');
  assert.equal(e.maskedPan, '411111******1111');
  assert.deepEqual(e.data, { pan: '550000******0004', n: '411111******1111', ok: true });
  const raw = JSON.stringify(s.db.prepare('SELECT * FROM audit_log').all());
  assert.ok(!/4111\s?1111\s?1111\s?1111|4111111111111111|5500-0000-0000-0004/.test(raw));
  assert.equal(s.audit.query({ text: '411111' }).rows.length, 1);
  assert.equal(s.audit.verify().ok, true);
});

test('bad input is refused before anything is written', (t) => {
  const s = setup();
  t.after(s.cleanup);
  assert.throws(() => s.audit.append({ ...entry(1), severity: 'fatal' as never }), /severity/);
  assert.throws(() => s.audit.append({ ...entry(1), origin: '' }), /origin/);
  assert.throws(() => s.audit.appendMany([entry(1), { ...entry(2), data: { x: {} as never } }]), /data\.x/);
  assert.equal(s.audit.verify().ok, true);
  assert.equal(s.audit.append(entry(3)).seq, 1);
});

test('the log refuses updates and deletes through SQL', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 3);
  assert.throws(() => s.db.prepare("UPDATE audit_chain SET canon = x'00' WHERE seq = 2").run(), /append-only/);
  assert.throws(() => s.db.prepare('DELETE FROM audit_chain WHERE seq = 2').run(), /append-only/);
  // The visible columns are a view over the stored bytes: there is nothing separate to write.
  assert.throws(() => s.db.prepare("UPDATE audit_log SET message = 'x' WHERE seq = 2").run(), /view/);
});

test('tamper: an edited message (canon only, not re-hashed) is named as changed', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 20);
  dropGuards(s.db);
  editCanon(s.db, 7, (row) => (row[12] = 'card 7 rejected'));
  const r = s.audit.verify();
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.firstBadSeq === 7 && r.problem === 'changed', JSON.stringify(r));
});

test('tamper: a visible column cannot be edited apart from the hashed bytes', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 20);
  dropGuards(s.db);
  assert.throws(() => s.db.prepare("UPDATE audit_log SET message = 'card 7 rejected' WHERE seq = 7").run(), /view/);
  // Whatever is in the stored bytes is what every reader sees: edit them consistently (the
  // message as shown, the search index rebuilt from it) and verify still names the entry.
  editCanon(s.db, 7, (row) => (row[12] = 'card 7 rejected'));
  s.audit.rebuildIndex();
  assert.equal(s.audit.query({ text: 'rejected' }).rows[0]?.message, 'card 7 rejected');
  assert.equal((s.db.prepare('SELECT message FROM audit_log WHERE seq = 7').get() as { message: string }).message, 'card 7 rejected');
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 7 && r.problem === 'changed', JSON.stringify(r));
});

test('tamper: stored bytes replaced by something that is not an entry are named as changed, and pages still load', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 20);
  dropGuards(s.db);
  s.db.prepare("UPDATE audit_chain SET canon = CAST('perso-audit-v1' || char(10) || '[7, broken' AS BLOB) WHERE seq = 7").run();
  s.db.prepare("UPDATE audit_chain SET canon = x'00ff' WHERE seq = 12").run();
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 7 && r.problem === 'changed', JSON.stringify(r));
  s.audit.rebuildIndex();
  assert.equal(s.audit.query({ limit: 100 }).rows.length, 20);
  assert.equal(s.audit.append(entry(21)).seq, 21);
});

test('tamper: a renumbered entry whose bytes still hold its old seq is found', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 20);
  dropGuards(s.db);
  // Entry 20 moved to seq 21: the chain has a gap at 20 as far as positions go.
  s.db.exec('UPDATE audit_chain SET seq = 21 WHERE seq = 20');
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 20 && r.problem === 'removed', JSON.stringify(r));
});

test('tamper: a deleted entry is named as removed', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 20);
  dropGuards(s.db);
  s.db.prepare('DELETE FROM audit_chain WHERE seq = 9').run();
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 9 && r.problem === 'removed', JSON.stringify(r));
});

test('tamper: a deleted entry with the rest renumbered is named as removed', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 20);
  dropGuards(s.db);
  s.db.exec('DELETE FROM audit_chain WHERE seq = 9; UPDATE audit_chain SET seq = seq + 1000 WHERE seq > 9; UPDATE audit_chain SET seq = seq - 1001 WHERE seq > 1000;');
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 9 && r.problem === 'removed', JSON.stringify(r));
});

test('tamper: two swapped entries are named as reordered', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 20);
  dropGuards(s.db);
  s.db.exec('UPDATE audit_chain SET seq = -5 WHERE seq = 5; UPDATE audit_chain SET seq = 5 WHERE seq = 12; UPDATE audit_chain SET seq = 12 WHERE seq = -5;');
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 5 && r.problem === 'reordered', JSON.stringify(r));
});

test('tamper: two adjacent swapped entries are named as reordered', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 20);
  dropGuards(s.db);
  s.db.exec('UPDATE audit_chain SET seq = -5 WHERE seq = 5; UPDATE audit_chain SET seq = 5 WHERE seq = 6; UPDATE audit_chain SET seq = 6 WHERE seq = -5;');
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 5 && r.problem === 'reordered', JSON.stringify(r));
});

function shiftUpFrom(db: Db, seq: number) {
  db.exec(`UPDATE audit_chain SET seq = seq + 1000 WHERE seq >= ${seq}; UPDATE audit_chain SET seq = seq - 999 WHERE seq >= 1000;`);
}

function insertEntry(db: Db, row: unknown[], hash: string): void {
  db.prepare('INSERT INTO audit_chain (seq, canon, hash) VALUES (?, ?, ?)').run(row[0], Buffer.from(TAG + JSON.stringify(row)), hash);
}

test('tamper: an inserted entry with a made-up hash is named as inserted', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 20);
  dropGuards(s.db);
  const prev = (s.db.prepare('SELECT hash FROM audit_chain WHERE seq = 10').get() as { hash: string }).hash;
  shiftUpFrom(s.db, 11);
  insertEntry(s.db, [11, s.now(), 'card.done', 'info', 'success', 'op1', 'station', null, null, null, null, null, 'card 99 done', null, prev], 'f'.repeat(64));
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 11 && r.problem === 'inserted', JSON.stringify(r));
});

test('tamper: an inserted entry with a correctly computed hash is still named as inserted', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 20);
  dropGuards(s.db);
  const prev = (s.db.prepare('SELECT hash FROM audit_chain WHERE seq = 10').get() as { hash: string }).hash;
  shiftUpFrom(s.db, 11);
  const row = [11, s.now(), 'card.done', 'info', 'success', 'op1', 'station', null, null, null, null, null, 'card 99 done', null, prev];
  insertEntry(s.db, row, createHash('sha256').update(TAG + JSON.stringify(row)).digest('hex'));
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 11 && r.problem === 'inserted', JSON.stringify(r));
});

test('verify reports progress up to the total', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 25_000);
  const calls: [number, number][] = [];
  const r = s.audit.verify({ onProgress: (d, n) => calls.push([d, n]) });
  assert.equal(r.ok && r.count, 25_000);
  assert.deepEqual(calls.at(-1), [25_000, 25_000]);
  assert.ok(calls.length >= 3);
});

test("an append inside a caller's transaction that rolls back does not break the chain", (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 3);
  assert.throws(() =>
    s.db.transaction(() => {
      s.audit.append(entry(4));
      throw new Error('caller failed');
    })(),
  );
  const e = s.audit.append(entry(5));
  assert.equal(e.seq, 4);
  assert.equal(s.audit.verify().ok, true);
});

test('two AuditLog objects on one database keep one chain', (t) => {
  const s = setup();
  t.after(s.cleanup);
  const other = new AuditLog(s.db, { now: s.now });
  t.after(() => other.close());
  s.audit.append(entry(1));
  other.append(entry(2));
  s.audit.append(entry(3));
  const r = s.audit.verify();
  assert.ok(r.ok && r.count === 3, JSON.stringify(r));
});

test('onAppend sees committed entries and can unsubscribe; a throwing listener does not fail the append', (t) => {
  const s = setup();
  t.after(s.cleanup);
  const seen: number[] = [];
  s.audit.onAppend(() => {
    throw new Error('listener bug');
  });
  const off = s.audit.onAppend((es) => seen.push(...es.map((e) => e.seq)));
  fill(s.audit, 3);
  off();
  s.audit.append(entry(4));
  assert.deepEqual(seen, [1, 2, 3]);
});

test('head() names the newest entry, for anchoring outside the station', (t) => {
  const s = setup();
  t.after(s.cleanup);
  const es = fill(s.audit, 4);
  assert.deepEqual(s.audit.head(), { seq: 4, hash: es[3].hash });
});

test('any text verifies: control characters, quotes, emoji, and a lone surrogate (stored as U+FFFD)', (t) => {
  const s = setup();
  t.after(s.cleanup);
  let all = '';
  for (let c = 0; c < 0x80; c++) all += String.fromCharCode(c);
  const e = s.audit.append({ ...entry(1), message: all + 'é€😀\u2028\ufeff \ud800 end', user: 'x\udc00', data: { ['k\ud800']: 'v\u0001"\\' } });
  assert.ok(e.message.endsWith('\ufffd end'));
  assert.equal(e.user, 'x\ufffd');
  const r = s.audit.verify();
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(s.audit.query({}).rows[0], e);
});

// verify reads CHUNK entries at a time and re-walks only a chunk that fails its checks entry by
// entry: a break in a later chunk, and one on the first entry of a chunk (its link is checked
// against the previous chunk's last hash), must be named exactly like one in the first chunk.
test('tamper in a later chunk, and on the first entry of a chunk, is named exactly', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 25_000);
  dropGuards(s.db);
  // First entries of a chunk, past the first chunks (the log is read from seq 1).
  const late = Math.floor(20_000 / CHUNK) * CHUNK + 1;
  const first = Math.floor(10_000 / CHUNK) * CHUNK + 1;
  assert.ok(first > CHUNK && late > first && late <= 25_000);
  editCanon(s.db, late, (row) => (row[12] = `card ${late} rejected`));
  let r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === late && r.problem === 'changed', JSON.stringify(r));
  s.db.prepare('DELETE FROM audit_chain WHERE seq = ?').run(first);
  r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === first && r.problem === 'removed', JSON.stringify(r));
  s.db.prepare('UPDATE audit_chain SET seq = ? WHERE seq = ?').run(first, first - 1);
  r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === first - 1 && r.problem === 'removed', JSON.stringify(r));
});

test('a chunk whose stored hash column was rewritten to another length is still named as changed', (t) => {
  const s = setup();
  t.after(s.cleanup);
  fill(s.audit, 12_000);
  dropGuards(s.db);
  s.db.prepare("UPDATE audit_chain SET hash = 'abc' WHERE seq = 11000").run();
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 11000 && r.problem === 'changed', JSON.stringify(r));
});
