import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApiStation } from './api-station';
import type { RecoveredCardDto } from '../../../shared/contract/areas/recovery';

type Status = { startedAt: number; recovered: RecoveredCardDto[]; awaitingDecision: RecoveredCardDto[]; truncated: boolean };

test('recovery.status: the cards found in progress at the start, where they were, and which still wait for a decision', async () => {
  const s = await openApiStation({ cards: 4 });
  try {
    const fresh = (await s.call('operator', 'recovery.status', {})) as Status;
    assert.deepEqual([fresh.recovered, fresh.awaitingDecision, fresh.truncated], [[], [], false]);
    // The station "dies" while card 2 is in the encoder (intent journaled, no result) and card 3
    // was just claimed: the store is left as a crash leaves it.
    const { store } = s.core.station;
    const [c1, c2, c3] = store.page({ batchId: 'DEMO-0001', offset: 0, limit: 3 }).rows;
    store.transition(c2.id, 'in_progress', { step: 'magstripe', slot: 0 });
    store.journal(c2.id, 'chip', 1, 1, 'result', true, null);
    store.journal(c2.id, 'magstripe', 0, 1, 'intent', null, null);
    store.transition(c3.id, 'in_progress', { step: 'feed', slot: null });
    const before = Date.now();
    await s.reopen();

    const st = (await s.call('operator', 'recovery.status', {})) as Status;
    assert.ok(st.startedAt >= before);
    assert.deepEqual(st.recovered.map((c) => [c.cardId, c.recordId, c.step, c.slot, c.deviceId, c.lastAction, c.state]), [
      [c2.id, c2.record_id, 'magstripe', 0, 'encoder', 'magstripe intent (no result recorded)', 'failed'],
      [c3.id, c3.record_id, 'feed', null, null, null, 'failed'],
    ]);
    assert.deepEqual(st.awaitingDecision.map((c) => c.cardId), [c2.id, c3.id]);
    // The same entry as data, for the screen's own words.
    assert.deepEqual(st.recovered.map((c) => c.last), [{ step: 'magstripe', phase: 'intent', ok: null, reason: null }, null]);
    assert.deepEqual(st.awaitingDecision[0].last, { step: 'magstripe', phase: 'intent', ok: null, reason: null });
    for (const c of [...st.recovered, ...st.awaitingDecision]) assert.match(c.maskedPan, /^492181\*+\d{4}$/);
    assert.ok(!st.recovered.some((c) => c.cardId === c1.id), 'a card that was not in progress is not recovered');

    // Deciding takes the supervisor; the card then leaves the awaiting list but stays in the record of this start.
    assert.equal(await s.refusal('operator', 'cards.decide', { cardId: c2.id, decision: 'rework', reason: 'pulled from the encoder' }), 'FORBIDDEN');
    await s.call('supervisor', 'cards.decide', { cardId: c2.id, decision: 'rework', reason: 'pulled from the encoder' });
    const after = (await s.call('supervisor', 'recovery.status', {})) as Status;
    assert.deepEqual(after.awaitingDecision.map((c) => c.cardId), [c3.id]);
    assert.equal(after.recovered.find((c) => c.cardId === c2.id)!.state, 'reworked');
    assert.equal(after.recovered.find((c) => c.cardId === c2.id)!.lastAction, 'magstripe intent (no result recorded)');

    // A second restart recovers nothing new, and the undecided card still waits.
    await s.reopen();
    const again = (await s.call('operator', 'recovery.status', {})) as Status;
    assert.deepEqual(again.recovered, []);
    assert.deepEqual(again.awaitingDecision.map((c) => [c.cardId, c.step, c.state]), [[c3.id, 'feed', 'failed']]);
  } finally {
    await s.close();
  }
});

test('recovery.status needs a session with batch.run', async () => {
  const s = await openApiStation({ cards: 1, importSample: false });
  try {
    assert.equal(await s.refusal({ id: 'anon', origin: 'ui:anon', sessionId: null }, 'recovery.status', {}), 'AUTH');
    assert.equal(await s.refusal('administrator', 'recovery.status', {}), 'FORBIDDEN');
    assert.equal(await s.refusal('operator', 'recovery.status', { extra: 1 }), 'BAD_REQUEST');
  } finally {
    await s.close();
  }
});
