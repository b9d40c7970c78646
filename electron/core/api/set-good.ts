import type { CardRow } from '../../../shared/contract/dto';
import type { Station } from '../station';
import { toCardRow } from '../store/card-store';
import { CallRefused } from './dispatch';

// "Set good": a failed card a supervisor inspected and found good (e.g. stopped by an emergency
// stop after its last step). Never for a card whose chip or stripe step did not pass: what was
// written there cannot be seen by looking at the card, so the journal must show a passing result.
const MUST_HAVE_PASSED = ['chip', 'magstripe'] as const;
// Failures that say the data written is wrong although each step reported a pass.
const DATA_FAILURES: Record<string, string> = {
  CROSSCHECK_MISMATCH: 'chip, stripe and embossing disagree on the card data',
  DATA_INVALID: 'its record is not valid for the product',
};

export function setGood(station: Station, cardId: number, reason: string, by: string, origin: string): CardRow {
  const c = station.store.card(cardId);
  if (c.state !== 'failed') throw new CallRefused('CONFLICT', `card ${c.record_id} is ${c.state}; only a failed card can be set good`);
  const wrongData = c.reason ? DATA_FAILURES[c.reason] : undefined;
  if (wrongData) throw new CallRefused('CONFLICT', `card ${c.record_id}: ${wrongData}, so it cannot be set good; reject or rework it`);
  const product = station.products.get(station.store.batch(c.batch_id).product_id);
  const passed = station.store.passedSteps(cardId);
  const missing = MUST_HAVE_PASSED.filter((s) => product.steps.includes(s) && !passed.has(s));
  if (missing.length)
    throw new CallRefused('CONFLICT', `card ${c.record_id}: the ${missing.map((s) => (s === 'chip' ? 'chip' : 'stripe')).join(' and ')} step did not pass, so it cannot be set good; reject or rework it`);
  const done = station.store.setGood(cardId, by, reason);
  station.log({
    type: 'card.good', severity: 'info', outcome: 'success', user: by, origin, resource: `card:${done.id}`, batchId: done.batch_id, cardId: done.id, recordId: done.record_id, maskedPan: done.masked_pan,
    message: `${by} set card ${done.record_id} (attempt ${done.attempt}) good after inspection: ${reason}`,
  });
  station.events.emit('card.updated', toCardRow(done));
  station.engine.refreshCounts();
  return toCardRow(done);
}
