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
