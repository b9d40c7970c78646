import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApiStation } from './api-station';
import type { CardRow } from '../../../shared/contract/dto';

const BATCH = 'DEMO-0001';

test('cards.decide "good": a failed card whose chip and stripe passed is set good and logged; one whose chip did not pass is refused', async () => {
  const s = await openApiStation({ cards: 4 });
  try {
    const store = s.core.station.store;
    const { rows } = (await s.call('operator', 'queue.page', { batchId: BATCH, offset: 0, limit: 10 })) as { rows: CardRow[] };
    const [stopped, badChip] = rows;
    // As the engine leaves them: one stopped by an emergency stop at the embosser after chip
    // and stripe passed, one whose chip refused a command.
    store.transition(stopped.id, 'in_progress', { step: 'chip' });
    store.journal(stopped.id, 'chip', 0, 1, 'intent', null, null);
    store.journal(stopped.id, 'chip', 0, 1, 'result', true, null);
    store.journal(stopped.id, 'magstripe', 0, 1, 'result', true, null);
    store.journal(stopped.id, 'emboss', 0, 1, 'intent', null, null);
    store.transition(stopped.id, 'failed', { step: 'emboss', reason: 'EMERGENCY_STOP' });
    store.transition(badChip.id, 'in_progress', { step: 'chip' });
    store.journal(badChip.id, 'chip', 0, 1, 'result', false, 'CHIP_STATUS');
    store.transition(badChip.id, 'failed', { step: 'chip', reason: 'CHIP_STATUS' });

    assert.equal(await s.refusal('operator', 'cards.decide', { cardId: stopped.id, decision: 'good', reason: 'inspected: embossing complete' }), 'FORBIDDEN');
    assert.equal(await s.refusal('supervisor', 'cards.decide', { cardId: badChip.id, decision: 'good', reason: 'looks fine to me' }), 'CONFLICT');
    assert.equal(store.card(badChip.id).state, 'failed', 'nothing half-applied');

    const good = (await s.call('supervisor', 'cards.decide', { cardId: stopped.id, decision: 'good', reason: 'inspected: embossing complete and readable' })) as CardRow;
    assert.equal(good.state, 'passed');
    const log = s.core.station.audit.query({ cardId: stopped.id, type: ['card.good'] }).rows;
    assert.equal(log.length, 1);
    assert.equal(log[0].user, 'supervisor');
    assert.match(log[0].message, /inspection: inspected: embossing complete and readable/);
    assert.equal(store.counts(BATCH).passed, 1);
    assert.equal(await s.refusal('supervisor', 'cards.decide', { cardId: stopped.id, decision: 'good', reason: 'again' }), 'CONFLICT', 'a passed card cannot be set good again');
  } finally {
    await s.close();
  }
});

test('cards.decide "good" is refused when the last chip or stripe result failed after an earlier pass, and after a cross-check mismatch', async () => {
  const s = await openApiStation({ cards: 4 });
  try {
    const store = s.core.station.store;
    const { rows } = (await s.call('operator', 'queue.page', { batchId: BATCH, offset: 0, limit: 10 })) as { rows: CardRow[] };
    const [retried, crossed, fine] = rows;
    // The chip passed once, then its last result was a failure: the chip step did not pass.
    store.transition(retried.id, 'in_progress', { step: 'chip', slot: 0 });
    store.journal(retried.id, 'chip', 0, 1, 'result', true, null);
    store.journal(retried.id, 'magstripe', 0, 1, 'result', true, null);
    store.journal(retried.id, 'chip', 0, 2, 'result', false, 'CHIP_VERIFY_MISMATCH');
    store.transition(retried.id, 'failed', { step: 'chip', reason: 'CHIP_VERIFY_MISMATCH' });
    // Every step passed but chip, stripe and emboss disagree on the card number: what is on the
    // chip or the stripe is not what the record says, which no inspection can see.
    store.transition(crossed.id, 'in_progress', { step: 'chip', slot: 0 });
    for (const step of ['chip', 'magstripe', 'emboss', 'laser']) store.journal(crossed.id, step, 0, 1, 'result', true, null);
    store.transition(crossed.id, 'failed', { step: 'laser', reason: 'CROSSCHECK_MISMATCH' });
    // A chip retry that passed in the end is a pass.
    store.transition(fine.id, 'in_progress', { step: 'chip', slot: 0 });
    store.journal(fine.id, 'chip', 0, 1, 'result', false, 'CHIP_TIMEOUT');
    store.journal(fine.id, 'chip', 0, 2, 'result', true, null);
    store.journal(fine.id, 'magstripe', 0, 1, 'result', true, null);
    store.transition(fine.id, 'failed', { step: 'emboss', reason: 'EMERGENCY_STOP' });

    assert.equal(await s.refusal('supervisor', 'cards.decide', { cardId: retried.id, decision: 'good', reason: 'chip answered on the bench' }), 'CONFLICT');
    assert.equal(await s.refusal('supervisor', 'cards.decide', { cardId: crossed.id, decision: 'good', reason: 'embossing looks right' }), 'CONFLICT');
    assert.equal(store.card(retried.id).state, 'failed');
    assert.equal(store.card(crossed.id).state, 'failed');
    const good = (await s.call('supervisor', 'cards.decide', { cardId: fine.id, decision: 'good', reason: 'inspected: embossing complete' })) as CardRow;
    assert.equal(good.state, 'passed');
    assert.equal(s.core.station.audit.query({ type: ['card.good'] }).rows.length, 1, 'only the one set good is logged as good');
  } finally {
    await s.close();
  }
});
