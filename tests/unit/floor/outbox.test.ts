import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { FloorOutbox } from '../../../electron/floor/link/outbox';
import { FloorDelivery, backoffMs, describeFloorLink } from '../../../electron/floor/link/delivery';
import type { FloorPort, FloorResult, Lease } from '../../../electron/floor/link/client';

// The station's side of floor mode with a fake floor: what it holds, what it queues, what it
// says when the floor does not answer, and that sending again never counts twice.
class FakeFloor implements FloorPort {
  seen = new Map<string, FloorResult>();
  down: Error | null = null;
  expired = new Set<string>();
  async deliver(rs: readonly FloorResult[]) {
    if (this.down) throw this.down;
    let n = 0;
    for (const r of rs) if (!this.seen.has(r.resultId) && ++n) this.seen.set(r.resultId, r);
    return n;
  }
  async renew(id: string) {
    if (this.down) throw this.down;
    return this.expired.has(id) ? null : new Date();
  }
}

const lease = (id: string, from: number, n: number): Lease => ({
  leaseId: id, batchId: 'B1', expiresAt: new Date(),
  cards: Array.from({ length: n }, (_, k) => ({ batchId: 'B1', recordIndex: from + k, recordId: `R${from + k}`, maskedPan: '492181******0001', attempt: 1, sealed: Buffer.alloc(0) })),
});

function setup() {
  const db = new Database(':memory:');
  const outbox = new FloorOutbox(db);
  const floor = new FakeFloor();
  let t = Date.UTC(2026, 0, 5, 10, 42);
  const d = new FloorDelivery(outbox, floor, { now: () => t, random: () => 0.99 });
  return { db, outbox, floor, d, advance: (ms: number) => (t += ms) };
}

test('a result gets one id per card attempt; recording it again gives the same id', () => {
  const { outbox } = setup();
  outbox.hold(lease('L1', 0, 2));
  const id = outbox.record({ batchId: 'B1', recordIndex: 0, attempt: 1, outcome: 'passed', reason: null });
  assert.equal(outbox.record({ batchId: 'B1', recordIndex: 0, attempt: 1, outcome: 'passed', reason: null }), id);
  assert.deepEqual(outbox.counts(), { held: 1, queued: 1, lost: 0 });
  assert.throws(() => outbox.record({ batchId: 'B1', recordIndex: 9, attempt: 1, outcome: 'passed', reason: null }), /not held from the floor/);
});

test('floor unreachable: results wait, the state says since when and how much; then all delivered once', async () => {
  const { outbox, floor, d, advance } = setup();
  outbox.hold(lease('L1', 0, 3));
  floor.down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  outbox.record({ batchId: 'B1', recordIndex: 0, attempt: 1, outcome: 'passed', reason: null });
  await d.deliverOnce();
  const since = new Date(Date.UTC(2026, 0, 5, 10, 42));
  const hm = `${String(since.getHours()).padStart(2, '0')}:${String(since.getMinutes()).padStart(2, '0')}`;
  assert.equal(describeFloorLink(d.status()), `floor unreachable since ${hm} — 2 cards held, 1 queued`);
  advance(60_000);
  outbox.record({ batchId: 'B1', recordIndex: 1, attempt: 1, outcome: 'failed', reason: 'MSR_WRITE_ERROR' });
  await d.deliverOnce();
  assert.equal(d.status().since?.getTime(), since.getTime(), 'the outage started at the first failure');
  assert.equal(describeFloorLink(d.status()), `floor unreachable since ${hm} — 1 card held, 2 queued`);
  floor.down = null;
  await d.deliverOnce();
  assert.equal(describeFloorLink(d.status()), 'floor connected — 1 card held, 0 queued');
  assert.equal(floor.seen.size, 2);
});

test('replaying the whole outbox (a crash after the floor committed) changes nothing on the floor', async () => {
  const { db, outbox, floor, d } = setup();
  outbox.hold(lease('L1', 0, 5));
  for (let i = 0; i < 5; i++) outbox.record({ batchId: 'B1', recordIndex: i, attempt: 1, outcome: 'passed', reason: null });
  await d.deliverOnce();
  const first = [...floor.seen.keys()];
  db.prepare('UPDATE floor_outbox SET delivered_at = NULL').run();
  await d.deliverOnce();
  assert.deepEqual([...floor.seen.keys()], first);
  assert.equal(outbox.counts().queued, 0);
});

test('a lease the floor ended is lost: its cards no longer counted as held', async () => {
  const { outbox, floor, d } = setup();
  outbox.hold(lease('L1', 0, 2));
  outbox.hold(lease('L2', 2, 2));
  floor.expired.add('L1');
  await d.deliverOnce();
  assert.deepEqual(outbox.counts(), { held: 2, queued: 0, lost: 2 });
  assert.deepEqual(outbox.activeLeases(), ['L2']);
  assert.match(describeFloorLink(d.status()), /2 cards of expired leases awaiting a supervisor/);
});

test('a refusal by the database is not an outage: it is said as such', async () => {
  const { outbox, floor, d } = setup();
  outbox.hold(lease('L1', 0, 1));
  outbox.record({ batchId: 'B1', recordIndex: 0, attempt: 1, outcome: 'passed', reason: null });
  floor.down = Object.assign(new Error('new row violates row-level security policy for table "results"'), { code: '42501' });
  await d.deliverOnce();
  assert.equal(d.status().reachable, true);
  assert.match(describeFloorLink(d.status()), /^floor refused the delivery \(new row violates/);
});

test('backoff doubles from the base, is capped, and jittered below the raw delay', () => {
  assert.deepEqual([1, 2, 3, 4].map((n) => backoffMs(n, 250, 30_000, () => 0.999999)), [250, 500, 1000, 2000]);
  assert.equal(backoffMs(20, 250, 30_000, () => 0.999999), 30_000);
  assert.equal(backoffMs(3, 250, 30_000, () => 0), 500);
});
