import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApiStation } from './api-station';
import type { CardRow, Counts } from '../../../shared/contract/dto';

const BATCH = 'DEMO-0001';

test('cards.hold: a held card is skipped by the engine, and once released it is queued and made', async () => {
  const s = await openApiStation({ cards: 6 });
  try {
    const { rows } = (await s.call('operator', 'queue.page', { batchId: BATCH, offset: 0, limit: 10 })) as { rows: CardRow[] };
    const target = rows[2];
    assert.equal(await s.refusal('operator', 'cards.hold', { cardId: target.id, hold: true, reason: 'x' }), 'BAD_REQUEST', 'a hold needs a real reason');
    const held = (await s.call('operator', 'cards.hold', { cardId: target.id, hold: true, reason: 'customer called: address change' })) as CardRow;
    assert.equal(held.state, 'held');
    await s.call('operator', 'engine.start', { batchId: BATCH });
    await s.core.station.engine.idle();
    const c = (await s.call('operator', 'queue.counts', { batchId: BATCH })) as Counts;
    assert.equal(c.held, 1);
    assert.equal(c.queued, 0);
    assert.equal(c.passed + c.failed, 5, 'every other card was made');
    assert.equal(s.core.station.store.card(target.id).state, 'held');
    assert.equal(s.core.station.store.lastJournal(target.id), null, 'the held card was never fed');

    // Lifting a hold is a supervisor's decision.
    assert.equal(await s.refusal('operator', 'cards.hold', { cardId: target.id, hold: false, reason: 'address confirmed' }), 'FORBIDDEN');
    const released = (await s.call('supervisor', 'cards.hold', { cardId: target.id, hold: false, reason: 'address confirmed' })) as CardRow;
    assert.equal(released.state, 'queued');
    await s.call('operator', 'engine.start', { batchId: BATCH });
    await s.core.station.engine.idle();
    assert.equal(s.core.station.store.card(target.id).state, 'passed');
    const log = s.core.station.audit.query({ cardId: target.id, type: ['card.hold', 'card.release'], order: 'asc' }).rows;
    assert.deepEqual(log.map((e) => [e.type, e.user]), [['card.hold', 'operator'], ['card.release', 'supervisor']]);
    assert.match(log[0].message, /customer called: address change/);
    // A card that is done cannot be held.
    assert.equal(await s.refusal('operator', 'cards.hold', { cardId: target.id, hold: true, reason: 'too late now' }), 'CONFLICT');
  } finally {
    await s.close();
  }
});

test('batches.hold: a held batch refuses to start, a running batch cannot be held, a released one runs', async () => {
  const s = await openApiStation({ cards: 6 });
  try {
    await s.call('operator', 'batches.hold', { batchId: BATCH, hold: true, reason: 'waiting for the issuer to confirm' });
    assert.equal(await s.refusal('operator', 'engine.start', { batchId: BATCH }), 'CONFLICT');
    assert.equal(s.core.station.store.counts(BATCH).queued, 6, 'nothing was fed');
    assert.equal(await s.refusal('administrator', 'batches.hold', { batchId: BATCH, hold: false, reason: 'not my call' }), 'FORBIDDEN');
    assert.equal(await s.refusal('operator', 'batches.hold', { batchId: BATCH, hold: false, reason: 'issuer confirmed' }), 'FORBIDDEN');
    await s.call('supervisor', 'batches.hold', { batchId: BATCH, hold: false, reason: 'issuer confirmed' });
    await s.call('operator', 'engine.start', { batchId: BATCH });
    assert.equal(await s.refusal('operator', 'batches.hold', { batchId: BATCH, hold: true, reason: 'stop everything' }), 'CONFLICT');
    await s.core.station.engine.idle();
    assert.equal(s.core.station.store.counts(BATCH).queued, 0);
    assert.equal(await s.refusal('operator', 'batches.hold', { batchId: 'NOPE', hold: true, reason: 'no such batch' }), 'NOT_FOUND');
  } finally {
    await s.close();
  }
});

test('manual calls on a station with a transport machine: no prompts, nothing to confirm', async () => {
  const s = await openApiStation({ cards: 1, importSample: false });
  try {
    assert.deepEqual(await s.call('operator', 'manual.pending', {}), { manual: false, prompts: [] });
    assert.equal(await s.refusal('operator', 'manual.confirm', { promptId: 'p1' }), 'CONFLICT');
    assert.equal(await s.refusal('administrator', 'manual.confirm', { promptId: 'p1' }), 'FORBIDDEN');
  } finally {
    await s.close();
  }
});

test('queue.page finds the cards of one record by its ID; only a queued card is held, only a held one released', async () => {
  const s = await openApiStation({ cards: 6 });
  try {
    const store = s.core.station.store;
    const { rows } = (await s.call('operator', 'queue.page', { batchId: BATCH, offset: 0, limit: 10 })) as { rows: CardRow[] };
    const target = rows[3];
    const found = (await s.call('supervisor', 'queue.page', { batchId: BATCH, recordId: target.recordId, offset: 0, limit: 10 })) as { total: number; rows: CardRow[] };
    assert.deepEqual(found.rows.map((r) => r.id), [target.id]);
    assert.equal(found.total, 1);
    assert.equal(found.rows[0].slot, null, 'a queued card is at no unit yet');
    assert.equal(((await s.call('supervisor', 'queue.page', { batchId: BATCH, recordId: 'NO-SUCH-RECORD', offset: 0, limit: 10 })) as { total: number }).total, 0);

    // Failed, then reworked: the record has two cards, oldest first.
    store.transition(target.id, 'in_progress', { step: 'chip', slot: 1 });
    store.transition(target.id, 'failed', { step: 'chip', reason: 'CHIP_STATUS' });
    const failed = (await s.call('supervisor', 'queue.page', { batchId: BATCH, recordId: target.recordId, offset: 0, limit: 10 })) as { rows: CardRow[] };
    assert.equal(failed.rows[0].slot, 1, 'the row says which chip head it stopped at');
    assert.equal(await s.refusal('supervisor', 'cards.hold', { cardId: target.id, hold: true, reason: 'hold the failed one' }), 'CONFLICT', 'a failed card waits for a decision, not a hold');
    await s.call('supervisor', 'cards.decide', { cardId: target.id, decision: 'rework', reason: 'chip head cleaned' });
    const both = (await s.call('supervisor', 'queue.page', { batchId: BATCH, recordId: target.recordId, offset: 0, limit: 10 })) as { rows: CardRow[] };
    assert.deepEqual(both.rows.map((r) => [r.attempt, r.state]), [[1, 'reworked'], [2, 'queued']]);

    assert.equal(await s.refusal('supervisor', 'cards.hold', { cardId: both.rows[1].id, hold: false, reason: 'not held at all' }), 'CONFLICT');
    assert.equal((await s.call('supervisor', 'cards.hold', { cardId: both.rows[1].id, hold: true, reason: 'issuer asked to wait' }) as CardRow).state, 'held');
    assert.equal(s.core.station.audit.query({ type: ['card.hold'] }).rows.length, 1, 'refused holds change nothing and log no hold');
  } finally {
    await s.close();
  }
});
