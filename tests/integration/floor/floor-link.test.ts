import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { startFloor, type TestFloor } from '../../support/floor';
import { FloorOutbox } from '../../../electron/floor/link/outbox';
import { FloorDelivery, describeFloorLink } from '../../../electron/floor/link/delivery';
import { FloorClient } from '../../../electron/floor/link/client';

// A station's floor link against a real PostgreSQL: the outbox in the station's SQLite, delivered
// through the station's own role; the server stopped mid-batch; the whole outbox sent again.
let f: TestFloor;
before(async () => {
  f = await startFloor(['A', 'B'], 'link');
});
after(async () => {
  await f?.close();
});

async function states(batchId: string): Promise<Record<string, number>> {
  const r = await f.service.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM floor.cards WHERE batch_id = $1 GROUP BY state', [batchId]);
  return Object.fromEntries(r.rows.map((x) => [x.state, x.n]));
}

function station(id: string) {
  const db = new Database(':memory:');
  const outbox = new FloorOutbox(db);
  const client = f.station(id);
  const delivery = new FloorDelivery(outbox, client);
  return { db, outbox, client, delivery };
}

test('the floor stops mid-batch: the station finishes what it holds, says so, and delivers everything once when it is back', async () => {
  await f.intake('PART-1', 10, ['A']);
  const s = station('A');
  const lease = (await s.client.claim('PART-1', 6))!;
  s.outbox.hold(lease);
  for (const c of lease.cards.slice(0, 2)) s.outbox.record({ batchId: c.batchId, recordIndex: c.recordIndex, attempt: c.attempt, outcome: 'passed', reason: null });
  await s.delivery.deliverOnce();
  assert.equal(describeFloorLink(s.delivery.status()), 'floor connected — 4 cards held, 0 queued');

  f.pg.halt();
  try {
    for (const c of lease.cards.slice(2, 5)) s.outbox.record({ batchId: c.batchId, recordIndex: c.recordIndex, attempt: c.attempt, outcome: 'passed', reason: null });
    await s.delivery.deliverOnce();
    const st = s.delivery.status();
    assert.equal(st.reachable, false, st.lastError ?? '');
    assert.match(describeFloorLink(st), /^floor unreachable since \d\d:\d\d — 1 card held, 3 queued$/);
  } finally {
    f.pg.resume();
    // The service's own connection died with the server.
    await f.reconnectService();
  }
  await s.delivery.deliverOnce();
  assert.equal(describeFloorLink(s.delivery.status()), 'floor connected — 1 card held, 0 queued');
  const n = await f.service.query("SELECT state, count(*)::int AS n FROM floor.cards WHERE batch_id = 'PART-1' GROUP BY 1 ORDER BY 1");
  assert.deepEqual(n.rows, [{ state: 'leased', n: 1 }, { state: 'passed', n: 5 }, { state: 'queued', n: 4 }]);
});

test("replaying a station's whole outbox changes nothing on the floor", async () => {
  await f.intake('REPLAY-1', 8, ['B']);
  const s = station('B');
  const lease = (await s.client.claim('REPLAY-1', 8))!;
  s.outbox.hold(lease);
  for (const c of lease.cards) s.outbox.record({ batchId: c.batchId, recordIndex: c.recordIndex, attempt: c.attempt, outcome: c.recordIndex === 3 ? 'failed' : 'passed', reason: c.recordIndex === 3 ? 'MSR_WRITE_ERROR' : null });
  await s.delivery.deliverOnce();
  const before = await states('REPLAY-1');
  assert.deepEqual(before, { passed: 7, failed: 1 });
  // As if the station died after the floor committed and before it marked the rows delivered.
  s.db.prepare('UPDATE floor_outbox SET delivered_at = NULL').run();
  assert.equal(await s.client.deliver(s.outbox.pending(100)), 0, 'no result is new to the floor');
  await s.delivery.deliverOnce();
  assert.deepEqual(await states('REPLAY-1'), before);
  const r = await f.service.query("SELECT count(*)::int AS n FROM floor.results WHERE batch_id = 'REPLAY-1'");
  assert.equal(r.rows[0].n, 8);
});

test("a station's credentials used for another station's cards: refused by the database, said as a refusal", async () => {
  await f.intake('FORGE-1', 2, ['A']);
  const a = station('A');
  const lease = (await a.client.claim('FORGE-1', 2))!;
  // B's outbox holding A's lease (as a tampered or misconfigured station would) cannot report it.
  const b = station('B');
  b.outbox.hold(lease);
  b.outbox.record({ batchId: 'FORGE-1', recordIndex: 0, attempt: 1, outcome: 'failed', reason: 'MSR_WRITE_ERROR' });
  await b.delivery.deliverOnce();
  assert.equal(b.delivery.status().refused, true);
  assert.match(b.delivery.status().lastError ?? '', /row-level security/);
  assert.deepEqual(await states('FORGE-1'), { leased: 2 });
  assert.ok(b.client instanceof FloorClient);
});
