import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFloor, type TestFloor } from '../../support/floor';
import { setup, dropGuards, entry } from '../../unit/security/helpers';
import { shipAuditLog, AuditDivergedError } from '../../../electron/floor/link/audit-ship';
import { verifyFloorAudit } from '../../../electron/floor/service/audit-verify';
import { verifyFloorEvents } from '../../../electron/floor/service/events';

// One audit trail (issue 15 item 3): each station ships its hash chain, as its SQLite holds it,
// to the floor's PostgreSQL; `floor audit verify` checks every station's copy and the floor's
// own events, and names the station and entry of any break or gap. Real PostgreSQL 15, real
// station stores (better-sqlite3 files with the station's AuditLog).
let f: TestFloor;
before(async () => {
  f = await startFloor(['A', 'B', 'C', 'D', 'E']);
});
after(async () => {
  await f?.close();
});

const root = new URL('../../..', import.meta.url).pathname;

function station(entries: number) {
  const s = setup();
  for (let i = 1; i <= entries; i++) s.audit.append(entry(i, { cardId: i, batchId: 'B1', maskedPan: '411111******1111' }));
  return s;
}

/** What the owner can do behind the triggers' back (someone with the database's password). */
async function asOwnerUnguarded(sql: string, params: unknown[] = []): Promise<void> {
  await f.owner.query('BEGIN');
  await f.owner.query('ALTER TABLE floor.station_audit DISABLE TRIGGER USER');
  await f.owner.query(sql, params);
  await f.owner.query('ALTER TABLE floor.station_audit ENABLE TRIGGER USER');
  await f.owner.query('COMMIT');
}

async function reportOf(id: string) {
  const r = await verifyFloorAudit(f.service);
  return { all: r, s: r.stations.find((x) => x.stationId === id)! };
}

test('a station ships its chain once: again nothing new, then only what was appended; the floor verifies it and anchors each head in its own events', async () => {
  const s = station(30);
  const a = f.station('A');
  try {
    assert.deepEqual(await shipAuditLog(a, s.db, 7), { shipped: 30, head: 30 });
    assert.deepEqual(await shipAuditLog(a, s.db, 7), { shipped: 0, head: 30 });
    for (let i = 31; i <= 45; i++) s.audit.append(entry(i));
    assert.deepEqual(await shipAuditLog(a, s.db), { shipped: 15, head: 45 });
    const { s: rep } = await reportOf('A');
    assert.deepEqual({ ...rep, problems: rep.problems.length }, { stationId: 'A', entries: 45, firstSeq: 1, headSeq: 45, problems: 0, problemCount: 0 });
    const ev = await f.service.query<{ detail: string }>("SELECT detail FROM floor.events WHERE kind = 'audit.shipped' AND station_id = 'A' ORDER BY seq");
    const heads = ev.rows.map((r) => JSON.parse(r.detail) as { from: number; to: number; hash: string });
    assert.deepEqual(heads.map((h) => [h.from, h.to]), [[1, 7], [8, 14], [15, 21], [22, 28], [29, 30], [31, 45]]);
    assert.equal(heads.at(-1)!.hash, s.audit.head().hash);
    assert.equal((await verifyFloorEvents(f.service)).ok, true);
  } finally {
    s.cleanup();
  }
});

test('perso-station floor audit verify: exit 0 when every copy is whole, 3 with the station and entry named', async () => {
  const s = station(8);
  const e = f.station('E');
  const dir = mkdtempSync(join(tmpdir(), 'perso-floor-audit-'));
  try {
    await shipAuditLog(e, s.db);
    const config = join(dir, 'floor.json');
    writeFileSync(config, JSON.stringify({ database: { url: f.pg.url(f.db, 'floor_svc', 'svc-secret') } }));
    const cli = () => spawnSync(process.execPath, [join(root, 'bin/perso-station.mjs'), 'floor', 'audit', 'verify', '--config', config], { cwd: root, encoding: 'utf8' });
    // Runs before the tests that break stations' copies on purpose.
    let r = cli();
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /station A: log intact on the floor, entries 1–45/);
    assert.match(r.stdout, /station E: log intact on the floor, entries 1–8/);
    assert.match(r.stdout, /station C: no log shipped yet/);
    assert.match(r.stdout, /floor events intact: \d+ events/);
    await asOwnerUnguarded("DELETE FROM floor.station_audit WHERE station_id = 'E' AND seq = 8");
    r = cli();
    assert.equal(r.status, 3);
    assert.match(r.stdout, /LOG TAMPERED: station E: entry 8 is missing: the floor received up to entry 8/);
    assert.equal(spawnSync(process.execPath, [join(root, 'bin/perso-station.mjs'), 'floor', 'audit', 'check', '--config', config], { cwd: root, encoding: 'utf8' }).status, 2);
  } finally {
    s.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the database refuses a station shipping as another, and anyone changing or removing a shipped entry', async () => {
  const s = station(5);
  const b = f.station('B');
  try {
    await shipAuditLog(b, s.db);
    const raw = await f.stationSql('B');
    const row = s.db.prepare('SELECT canon, hash FROM audit_chain WHERE seq = 1').get() as { canon: Buffer; hash: string };
    await assert.rejects(raw.query("INSERT INTO floor.station_audit (station_id, seq, canon, hash) VALUES ('A', 999, $1, $2)", [row.canon, row.hash]), /permission denied/);
    await assert.rejects(raw.query("UPDATE floor.station_audit SET hash = repeat('0', 64) WHERE seq = 1"), /permission denied/);
    await assert.rejects(raw.query('DELETE FROM floor.station_audit WHERE seq = 1'), /permission denied/);
    assert.equal((await raw.query("SELECT count(*)::int AS n FROM floor.station_audit WHERE station_id <> 'B'")).rows[0].n, 0, 'a station sees only its own chain');
    await assert.rejects(f.service.query("DELETE FROM floor.station_audit WHERE station_id = 'B'"), /permission denied|insert-only/);
    await assert.rejects(f.owner.query("UPDATE floor.station_audit SET hash = repeat('0', 64) WHERE station_id = 'B' AND seq = 2"), /insert-only/);
    await assert.rejects(f.owner.query('TRUNCATE floor.station_audit CASCADE'), /insert-only/);
    assert.equal((await reportOf('B')).s.problemCount, 0);
  } finally {
    s.cleanup();
  }
});

test('floor audit verify names the station and entry of a changed entry, a gap and a copy cut short', async () => {
  const s = station(40);
  const c = f.station('C');
  try {
    await shipAuditLog(c, s.db, 10);
    await asOwnerUnguarded("UPDATE floor.station_audit SET canon = overlay(canon placing 'X'::bytea from 40 for 1) WHERE station_id = 'C' AND seq = 7");
    await asOwnerUnguarded("DELETE FROM floor.station_audit WHERE station_id = 'C' AND seq BETWEEN 15 AND 17");
    await asOwnerUnguarded("DELETE FROM floor.station_audit WHERE station_id = 'C' AND seq > 36");
    const { all, s: rep } = await reportOf('C');
    assert.equal(all.ok, false);
    assert.deepEqual(rep.problems.map((p) => [p.seq, p.kind]), [[7, 'changed'], [15, 'missing'], [37, 'missing']]);
    assert.match(rep.problems[0].message, /^station C: entry 7 was changed/);
    assert.match(rep.problems[1].message, /^station C: entries 15–17 are missing/);
    assert.match(rep.problems[2].message, /^station C: entries 37–40 are missing: the floor received up to entry 40 on .* \(floor event \d+\)/);
    assert.equal(all.stations.find((x) => x.stationId === 'A')!.problemCount, 0, 'only station C is named');
  } finally {
    s.cleanup();
  }
});

test('an entry replaced on the floor with its hash made again is named where the chain breaks; a local log rewritten after shipping is refused by the station', async () => {
  const s = station(12);
  const d = f.station('D');
  try {
    await shipAuditLog(d, s.db);
    // A forged entry 5 with a hash of its own bytes: entry 6 no longer follows it.
    const five = s.db.prepare('SELECT canon FROM audit_chain WHERE seq = 5').pluck(true).get() as Buffer;
    const forged = Buffer.from(five.toString('utf8').replace('card 5 done', 'card 5 gone'));
    const { createHash } = await import('node:crypto');
    await asOwnerUnguarded("UPDATE floor.station_audit SET canon = $1, hash = $2 WHERE station_id = 'D' AND seq = 5", [forged, createHash('sha256').update(forged).digest('hex')]);
    const { s: rep } = await reportOf('D');
    assert.deepEqual(rep.problems.map((p) => [p.seq, p.kind]), [[6, 'inserted']]);
    assert.match(rep.problems[0].message, /^station D: entry 6 does not follow entry 5/);

    // The station's own store rewritten at the floor's head: the next shipment is refused, naming it.
    dropGuards(s.db);
    s.db.exec("UPDATE audit_chain SET hash = 'f' || substr(hash, 2) WHERE seq = 12");
    await assert.rejects(shipAuditLog(d, s.db), (e: unknown) => e instanceof AuditDivergedError && e.seq === 12 && /entry 12 of this station's log differs from the copy the floor received/.test(e.message));
  } finally {
    s.cleanup();
  }
});
