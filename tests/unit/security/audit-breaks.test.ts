import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { dropGuards, entry, setup } from './helpers';

// Each kind of hand edit is named as what it is (issue 17, item 3).

type Db = import('better-sqlite3').Database;
const TAG = 'perso-audit-v1\n';
const hashAt = (db: Db, seq: number) => db.prepare('SELECT hash FROM audit_chain WHERE seq = ?').pluck(true).get(seq) as string;
const insert = (db: Db, row: unknown[], hash: string) => db.prepare('INSERT INTO audit_chain (seq, canon, hash) VALUES (?, ?, ?)').run(row[0], Buffer.from(TAG + JSON.stringify(row)), hash);
const fake = (seq: number, ts: number, prev: string) => [seq, ts, 'card.passed', 'info', 'success', 'op1', 'station', null, null, null, null, null, 'card 99 passed', null, prev];

test('breaks: an entry added after the head with a made-up hash is named inserted, not changed', (t) => {
  const s = setup();
  t.after(s.cleanup);
  s.audit.appendMany(Array.from({ length: 20 }, (_, i) => entry(i + 1)));
  dropGuards(s.db);
  insert(s.db, fake(21, s.now(), hashAt(s.db, 20)), 'f'.repeat(64));
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 21 && r.problem === 'inserted', JSON.stringify(r));
});

test('breaks: the newest entry edited after it was anchored is named changed', (t) => {
  const s = setup();
  t.after(s.cleanup);
  s.audit.appendMany(Array.from({ length: 20 }, (_, i) => entry(i + 1)));
  assert.ok(s.audit.anchor());
  dropGuards(s.db);
  const row = JSON.parse((s.db.prepare('SELECT canon FROM audit_chain WHERE seq = 20').pluck(true).get() as Buffer).toString('utf8').slice(TAG.length));
  row[12] = 'nothing happened';
  s.db.prepare('UPDATE audit_chain SET canon = ? WHERE seq = 20').run(Buffer.from(TAG + JSON.stringify(row)));
  const r = s.audit.verify();
  assert.ok(!r.ok && r.firstBadSeq === 20 && r.problem === 'changed', JSON.stringify(r));
});

test('breaks: an entry inserted in the middle with a made-up hash and a made-up link is named inserted, not removed', (t) => {
  const s = setup();
  t.after(s.cleanup);
  s.audit.appendMany(Array.from({ length: 20 }, (_, i) => entry(i + 1)));
  dropGuards(s.db);
  s.db.exec('UPDATE audit_chain SET seq = seq + 1000 WHERE seq >= 11; UPDATE audit_chain SET seq = seq - 999 WHERE seq >= 1000;');
  insert(s.db, fake(11, s.now(), 'e'.repeat(64)), 'f'.repeat(64));
  const r = s.audit.verify({ anchors: [] });
  assert.ok(!r.ok && r.firstBadSeq === 11 && r.problem === 'inserted', JSON.stringify(r));
});

test('breaks: two swapped lines of an archive file are named reordered, not removed', (t) => {
  const DAY = 86_400_000;
  const s = setup({ start: Date.UTC(2024, 0, 1) });
  t.after(s.cleanup);
  for (let d = 0; d < 100; d++) {
    s.clock.t = Date.UTC(2024, 0, 1) + d * DAY;
    s.audit.appendMany(Array.from({ length: 5 }, (_, i) => entry(d * 5 + i)));
  }
  const archiveDir = join(s.dir, 'archive');
  const { files } = s.audit.applyRetention({ onlineDays: 90, keepDays: 365, archiveDir });
  const target = join(archiveDir, files[2]);
  const lines = gunzipSync(readFileSync(target)).toString().trim().split('\n');
  const first = JSON.parse(lines[1]).seq as number;
  [lines[1], lines[2]] = [lines[2], lines[1]];
  writeFileSync(target, gzipSync(lines.join('\n') + '\n'));
  const r = s.audit.verify({ archiveDir });
  assert.ok(!r.ok && r.problem === 'reordered' && r.firstBadSeq === first, JSON.stringify(r));
  assert.match(r.message, new RegExp(`entries ${first} and ${first + 1} are swapped`));
});
