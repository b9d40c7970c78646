import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { RetentionError } from '../../../electron/core/audit';
import { dropGuards, entry, setup } from './helpers';

const DAY = 86_400_000;

/** 300 days of entries, 10 a day. */
function seed() {
  const s = setup({ start: Date.UTC(2024, 0, 1) });
  for (let d = 0; d < 300; d++) {
    for (let i = 0; i < 10; i++) {
      s.clock.t = Date.UTC(2024, 0, 1) + d * DAY + i * 3600_000;
      s.audit.append(entry(d * 10 + i, { batchId: `D${d}`, message: `day ${d} entry ${i}` }));
    }
  }
  return s;
}

test('refuses a retention below three months online or one year kept', (t) => {
  const s = setup();
  t.after(s.cleanup);
  const dir = join(s.dir, 'archive');
  assert.throws(() => s.audit.applyRetention({ onlineDays: 30, keepDays: 365, archiveDir: dir }), (e: unknown) => e instanceof RetentionError && /onlineDays must be at least 90/.test(e.message));
  assert.throws(() => s.audit.applyRetention({ onlineDays: 90, keepDays: 180, archiveDir: dir }), /keepDays must be at least 365/);
});

test('old entries move to gzipped JSONL archives and the chain verifies across archive and database', (t) => {
  const s = seed();
  t.after(s.cleanup);
  const archiveDir = join(s.dir, 'archive');
  const cutoff = s.clock.t - 90 * DAY;
  const older = (s.db.prepare('SELECT count(*) AS n FROM audit_log WHERE ts < ?').get(cutoff) as { n: number }).n;
  const r = s.audit.applyRetention({ onlineDays: 90, keepDays: 365, archiveDir, user: 'admin' });
  assert.equal(r.archived, older);
  assert.ok(older > 2000);
  assert.equal(r.files.length, Math.ceil(older / 10));
  assert.deepEqual(readdirSync(archiveDir).sort(), [...r.files].sort());
  // An archive file is plain JSONL with every chained column and the hash.
  const first = gunzipSync(readFileSync(join(archiveDir, r.files[0]))).toString().trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(first.length, 10);
  assert.equal(first[0].seq, 1);
  assert.equal(first[1].prev_hash, first[0].hash);
  assert.equal((s.db.prepare('SELECT min(seq) AS n FROM audit_log').get() as { n: number }).n, older + 1);
  assert.equal(s.audit.query({ batchId: 'D0' }).rows.length, 0);
  assert.equal(s.audit.query({ batchId: 'D299' }).rows.length, 10);

  const online = s.audit.verify();
  assert.ok(online.ok && online.firstSeq === older + 1 && online.count === 3001 - older, JSON.stringify(online));
  const full = s.audit.verify({ archiveDir });
  assert.ok(full.ok && full.firstSeq === 1 && full.count === 3001 && full.archivedFiles === r.files.length, JSON.stringify(full));

  // The chain continues; a second run later archives more.
  s.clock.t += 20 * DAY;
  s.audit.append(entry(9999));
  const r2 = s.audit.applyRetention({ onlineDays: 90, keepDays: 365, archiveDir });
  assert.ok(r2.archived >= 200);
  const again = s.audit.verify({ archiveDir });
  assert.ok(again.ok && again.count === 3003, JSON.stringify(again));
});

test('a changed or missing archive file is found by verify', (t) => {
  const s = seed();
  t.after(s.cleanup);
  const archiveDir = join(s.dir, 'archive');
  const { files } = s.audit.applyRetention({ onlineDays: 90, keepDays: 365, archiveDir });
  const target = join(archiveDir, files[3]);
  const original = readFileSync(target);
  const lines = gunzipSync(original).toString().trim().split('\n').map((l) => JSON.parse(l));
  lines[4].message = 'nothing happened';
  writeFileSync(target, gzipSync(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
  const r = s.audit.verify({ archiveDir });
  assert.ok(!r.ok && r.firstBadSeq === lines[4].seq && r.problem === 'changed', JSON.stringify(r));
  unlinkSync(target);
  const r2 = s.audit.verify({ archiveDir });
  assert.ok(!r2.ok && r2.firstBadSeq === lines[0].seq && r2.problem === 'removed', JSON.stringify(r2));
  // Without the archive the online part still verifies from the checkpoint.
  assert.equal(s.audit.verify().ok, true);
});

test('archives older than keepDays are deleted and marked; verify restarts after them', (t) => {
  const s = seed();
  t.after(s.cleanup);
  const archiveDir = join(s.dir, 'archive');
  s.audit.applyRetention({ onlineDays: 90, keepDays: 365, archiveDir });
  s.clock.t += 200 * DAY;
  const r = s.audit.applyRetention({ onlineDays: 90, keepDays: 365, archiveDir });
  assert.ok(r.purgedFiles.length > 0);
  for (const f of r.purgedFiles) assert.equal(existsSync(join(archiveDir, f)), false);
  const v = s.audit.verify({ archiveDir });
  assert.ok(v.ok && v.firstSeq! > 1, JSON.stringify(v));
});

test('retention refuses to archive a broken chain', (t) => {
  const s = seed();
  t.after(s.cleanup);
  dropGuards(s.db);
  const { canon } = s.db.prepare('SELECT canon FROM audit_chain WHERE seq = 15').get() as { canon: Buffer };
  s.db.prepare('UPDATE audit_chain SET canon = ? WHERE seq = 15').run(Buffer.from(canon.toString().replace('day 1 entry 4', 'day 1 entry X')));
  const archiveDir = join(s.dir, 'archive');
  assert.throws(() => s.audit.applyRetention({ onlineDays: 90, keepDays: 365, archiveDir }), (e: unknown) => e instanceof RetentionError && e.firstBadSeq === 15);
  // The day before the break was archived, nothing after it.
  assert.equal((s.db.prepare('SELECT min(seq) AS n FROM audit_log').get() as { n: number }).n, 11);
});
