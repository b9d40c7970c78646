import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startFloor, batchFile, plainProducts, type TestFloor } from '../../support/floor';
import { migrateFloor, floorSchemaVersion } from '../../../electron/floor/db/migrate';
import { FLOOR_MIGRATIONS } from '../../../electron/floor/db/migrations';
import { intakeBatch } from '../../../electron/floor/service/intake';
import { expireLeases, decideInterrupted } from '../../../electron/floor/service/leases';
import { verifyFloorEvents } from '../../../electron/floor/service/events';
import type { FloorResult, Lease } from '../../../electron/floor/link/client';
import { ValidationError } from '../../../shared/domain/problems';

// The floor's database on a real PostgreSQL 15: schema, intake, leases and what the database
// itself refuses a station. One server for the file; each test its own batch.
let f: TestFloor;
before(async () => {
  f = await startFloor(['A', 'B', 'C']);
});
after(async () => {
  await f?.close();
});

const result = (l: Lease, recordIndex: number, outcome: 'passed' | 'failed' = 'passed'): FloorResult => ({
  resultId: randomUUID(), leaseId: l.leaseId, batchId: l.batchId, recordIndex, attempt: 1, outcome, reason: outcome === 'failed' ? 'MSR_WRITE_ERROR' : null, doneAt: new Date(),
});

async function states(batchId: string): Promise<Record<string, number>> {
  const r = await f.service.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM floor.cards WHERE batch_id = $1 GROUP BY state', [batchId]);
  return Object.fromEntries(r.rows.map((x) => [x.state, x.n]));
}

test('migrating again applies nothing; a database from a newer program is refused', async () => {
  assert.equal(await floorSchemaVersion(f.owner), FLOOR_MIGRATIONS.length);
  assert.deepEqual(await migrateFloor(f.owner), []);
  await assert.rejects(migrateFloor(f.owner, FLOOR_MIGRATIONS.slice(0, 0)), /newer Perso Station/);
});

test('a batch is taken whole, sealed: no card number in the database; a refused file leaves nothing', async () => {
  await f.intake('SEAL-1', 20, ['A']);
  assert.deepEqual(await states('SEAL-1'), { queued: 20 });
  const rows = await f.owner.query<{ masked_pan: string; sealed: Buffer }>("SELECT masked_pan, sealed FROM floor.records WHERE batch_id = 'SEAL-1' ORDER BY record_index");
  const pan = JSON.parse(batchFile('SEAL-1', 20)).records[3].pan as string;
  assert.equal(rows.rows[3].masked_pan, `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`);
  const dump = rows.rows.map((r) => r.sealed.toString('latin1')).join('');
  assert.ok(!dump.includes(pan) && !dump.includes(pan.slice(6, 12)), 'no PAN digits in what is stored');
  assert.equal(f.vault.open(rows.rows[3].sealed, 'SEAL-1/3').pan, pan);

  const bad = JSON.parse(batchFile('BAD-1', 5));
  bad.records[2].pan = '4921810000000001';
  await assert.rejects(intakeBatch({ client: f.service, vault: f.vault, products: plainProducts(), fileName: 'bad.json', by: 't' }, [JSON.stringify(bad)]), ValidationError);
  const left = await f.owner.query("SELECT (SELECT count(*) FROM floor.batches WHERE batch_id = 'BAD-1')::int + (SELECT count(*) FROM floor.records WHERE batch_id = 'BAD-1')::int AS n");
  assert.equal(left.rows[0].n, 0);
  await assert.rejects(f.intake('SEAL-1', 3, ['A']), /already taken/);
});

test('three stations claiming one batch at once: every record claimed exactly once', async () => {
  await f.intake('RACE-1', 300, ['A', 'B', 'C']);
  const clients = ['A', 'B', 'C'].map((s) => f.station(s));
  const claimed: { station: string; index: number }[] = [];
  await Promise.all(
    clients.map(async (c, k) => {
      for (;;) {
        const l = await c.claim('RACE-1', 7);
        if (!l) return;
        for (const card of l.cards) claimed.push({ station: 'ABC'[k], index: card.recordIndex });
        await c.deliver(l.cards.map((card) => result(l, card.recordIndex)));
      }
    }),
  );
  const indexes = claimed.map((x) => x.index).sort((a, b) => a - b);
  assert.deepEqual(indexes, Array.from({ length: 300 }, (_, i) => i), 'each record once, none missing');
  assert.deepEqual(await states('RACE-1'), { passed: 300 });
  const per = await f.service.query<{ station_id: string; n: number }>("SELECT station_id, count(*)::int AS n FROM floor.cards WHERE batch_id = 'RACE-1' GROUP BY 1 ORDER BY 1");
  assert.equal(per.rows.reduce((n, r) => n + r.n, 0), 300);
  for (const { station, index } of claimed) {
    const r = await f.service.query("SELECT station_id FROM floor.cards WHERE batch_id = 'RACE-1' AND record_index = $1", [index]);
    assert.equal(r.rows[0].station_id, station);
  }
});

test('an expired lease: its cards become INTERRUPTED, are not claimed again, and wait for a supervisor', async () => {
  await f.intake('EXP-1', 6, ['A', 'B']);
  const a = f.station('A');
  const b = f.station('B');
  const l = await a.claim('EXP-1', 4);
  assert.ok(l);
  await a.deliver([result(l, 0)]);
  // The station stopped renewing: its lease ran out (set in the past by the owner, not waited for).
  await f.owner.query("UPDATE floor.leases SET expires_at = now() - interval '1 second' WHERE lease_id = $1", [l.leaseId]);
  assert.equal(await a.renew(l.leaseId), null, 'a lease past its time cannot be renewed');
  const gone = await expireLeases(f.service);
  assert.deepEqual(gone.map((g) => [g.stationId, g.interrupted]), [['A', 3]]);
  assert.deepEqual(await states('EXP-1'), { passed: 1, interrupted: 3, queued: 2 });

  // Another station gets only the two never-leased records; the interrupted ones are not its.
  const lb = await b.claim('EXP-1', 10);
  assert.deepEqual(lb?.cards.map((c) => c.recordIndex), [4, 5]);
  assert.equal(await b.claim('EXP-1', 10), null);

  // A result the station sends late is kept for the supervisor but does not make the card.
  const late = result(l, 1);
  assert.equal(await a.deliver([late]), 1);
  const c1 = await f.service.query("SELECT state, late_result_id FROM floor.cards WHERE batch_id = 'EXP-1' AND record_index = 1");
  assert.deepEqual(c1.rows[0], { state: 'interrupted', late_result_id: late.resultId });

  await decideInterrupted(f.service, { batchId: 'EXP-1', recordIndex: 2, decision: 'rework', by: 'sup:ann', why: 'half-made in line A' });
  await decideInterrupted(f.service, { batchId: 'EXP-1', recordIndex: 1, decision: 'passed', by: 'sup:ann', why: 'inspected; the late result says passed' });
  const again = await b.claim('EXP-1', 10);
  assert.deepEqual(again?.cards.map((c) => [c.recordIndex, c.attempt]), [[2, 2]], 'a reworked record comes back as a new attempt');
  assert.deepEqual(await states('EXP-1'), { passed: 2, interrupted: 1, leased: 3 });
});

test('re-sending results changes nothing', async () => {
  await f.intake('DUP-1', 5, ['A']);
  const a = f.station('A');
  const l = (await a.claim('DUP-1', 5))!;
  const sent = l.cards.map((c) => result(l, c.recordIndex, c.recordIndex === 4 ? 'failed' : 'passed'));
  assert.equal(await a.deliver(sent), 5);
  assert.equal(await a.deliver(sent), 0);
  assert.equal(await a.deliver([...sent].reverse()), 0);
  assert.deepEqual(await states('DUP-1'), { passed: 4, failed: 1 });
  const n = await f.service.query("SELECT count(*)::int AS n FROM floor.results WHERE batch_id = 'DUP-1'");
  assert.equal(n.rows[0].n, 5);
  // A second result for a card already made (a new id for the same card) is kept but moves nothing.
  assert.equal(await a.deliver([result(l, 4, 'passed')]), 1);
  assert.deepEqual(await states('DUP-1'), { passed: 4, failed: 1 });
});

test("a station's role cannot report, renew, read or claim what is another station's: the database refuses", async () => {
  await f.intake('SEP-1', 4, ['A']);
  const l = (await f.station('A').claim('SEP-1', 2))!;
  const b = await f.stationSql('B');
  const forged = result(l, 0);
  await assert.rejects(
    b.query('INSERT INTO floor.results (result_id, lease_id, batch_id, record_index, attempt, outcome, done_at) VALUES ($1, $2, $3, $4, 1, $5, now())', [forged.resultId, l.leaseId, 'SEP-1', 0, 'failed']),
    /row-level security/,
  );
  // Naming itself as A does not help: station_id is checked against the login.
  await assert.rejects(
    b.query("INSERT INTO floor.results (result_id, station_id, lease_id, batch_id, record_index, attempt, outcome, done_at) VALUES ($1, 'A', $2, 'SEP-1', 0, 1, 'failed', now())", [randomUUID(), l.leaseId]),
    /permission denied/,
  );
  assert.equal((await b.query('UPDATE floor.leases SET expires_at = now() WHERE lease_id = $1', [l.leaseId])).rowCount, 0);
  assert.equal((await b.query("SELECT * FROM floor.records WHERE batch_id = 'SEP-1'")).rowCount, 0, 'no record of a batch not assigned to B');
  assert.equal((await b.query("SELECT * FROM floor.cards WHERE batch_id = 'SEP-1'")).rowCount, 0);
  await assert.rejects(b.query("INSERT INTO floor.leases (batch_id) VALUES ('SEP-1')"), /row-level security/, 'B may not claim from a batch not assigned to it');
  assert.equal((await b.query("UPDATE floor.cards SET state = 'passed' WHERE batch_id = 'SEP-1'")).rowCount, 0, 'no card of SEP-1 is B\'s to touch');
  assert.deepEqual(await states('SEP-1'), { leased: 2, queued: 2 });

  // A's own role: cannot rewrite a result or an event, cannot make its leased card passed by hand.
  const a = await f.stationSql('A');
  await f.station('A').deliver([result(l, 0)]);
  await assert.rejects(a.query("UPDATE floor.results SET outcome = 'failed' WHERE batch_id = 'SEP-1'"), /permission denied/);
  await assert.rejects(a.query("DELETE FROM floor.results WHERE batch_id = 'SEP-1'"), /permission denied/);
  await assert.rejects(a.query('DELETE FROM floor.events'), /permission denied/);
  assert.equal((await a.query("UPDATE floor.cards SET state = 'leased' WHERE batch_id = 'SEP-1' AND record_index = 1")).rowCount, 0, 'only a queued card can be claimed');
  await assert.rejects(a.query("UPDATE floor.cards SET state = 'passed', station_id = 'A' WHERE batch_id = 'SEP-1' AND record_index = 3"), /row-level security/, 'a queued card can only become leased');
  await assert.rejects(a.query("UPDATE floor.cards SET reason = 'x' WHERE batch_id = 'SEP-1'"), /permission denied/);
  // Not even the service (nor the owner) can change a result or an event: insert-only.
  await assert.rejects(f.service.query("UPDATE floor.results SET outcome = 'failed' WHERE batch_id = 'SEP-1'"), /permission denied/);
  await assert.rejects(f.owner.query('DELETE FROM floor.events'), /insert-only/);
  await assert.rejects(f.owner.query('TRUNCATE floor.results CASCADE'), /insert-only/);
});

test("the floor's events are chained: verify passes, and names the event that was changed behind its back", async () => {
  const ok = await verifyFloorEvents(f.service);
  assert.ok(ok.ok && ok.count > 5, JSON.stringify(ok));
  const kinds = await f.service.query<{ kind: string }>('SELECT DISTINCT kind FROM floor.events ORDER BY 1');
  assert.deepEqual(kinds.rows.map((r) => r.kind), ['batch.intake', 'card.decided', 'lease.claimed', 'lease.expired']);
  // Only the owner, switching the guard off, can rewrite an event: the chain still shows it.
  await f.owner.query('ALTER TABLE floor.events DISABLE TRIGGER events_insert_only');
  await f.owner.query("UPDATE floor.events SET actor = 'someone else' WHERE seq = 3");
  await f.owner.query('ALTER TABLE floor.events ENABLE TRIGGER events_insert_only');
  assert.deepEqual(await verifyFloorEvents(f.service), { ok: false, seq: 3, why: 'event 3 was changed after it was written' });
});
