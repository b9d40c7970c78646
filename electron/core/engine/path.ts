import type { CardStore, CardDbRow } from '../store/card-store';

// Which cards may still be physically in the machine, from the durable journal alone, so the
// answer survives a crash: a card whose feed happened (or was under way when the station
// stopped) and that never reached a bin or was cleared by hand. While any is there, no blank is
// fed (it would meet a card in the path), and the operator is led through clearing it.

const IN_PATH_SQL = `
  SELECT c.* FROM cards c
  WHERE c.state IN ('in_progress', 'failed', 'rejected', 'reworked')
    AND EXISTS (
      SELECT 1 FROM card_steps s WHERE s.card_id = c.id AND s.step = 'feed'
        AND (s.ok = 1 OR (s.phase = 'intent' AND s.id = (SELECT MAX(t.id) FROM card_steps t WHERE t.card_id = c.id AND t.step = 'feed'))))
    AND NOT EXISTS (
      SELECT 1 FROM card_steps s WHERE s.card_id = c.id AND s.step IN ('eject', 'clear') AND s.phase = 'result' AND s.ok = 1)
  ORDER BY c.id`;

export function cardsInPath(store: CardStore): CardDbRow[] {
  return store.db.prepare(IN_PATH_SQL).all() as CardDbRow[];
}

export interface ClearedCard {
  card: CardDbRow;
  /** Where the card was (its step, and slot), in words for the log. */
  where: string;
}

export function whereIs(c: Pick<CardDbRow, 'step' | 'slot'>): string {
  if (!c.step) return 'somewhere in the machine';
  if (c.step === 'feed') return 'at the input';
  if (c.step === 'eject') return 'on its way to a bin';
  return `at ${c.step}${c.slot != null ? ` (slot ${c.slot})` : ''}`;
}

/**
 * Records that each card left the path for the reject bin, with its log entry, in one commit per
 * card. A card keeps its failed state, reason and step: it is spoiled, and reconciliation counts
 * it so.
 */
export function recordCleared(
  store: CardStore,
  cards: CardDbRow[],
  how: 'reset' | 'by-hand',
  log: (c: CardDbRow, message: string) => void,
): ClearedCard[] {
  const out: ClearedCard[] = [];
  for (const c of cards) {
    const where = whereIs(c);
    store.db.transaction(() => {
      store.journal(c.id, 'clear', c.slot, 1, 'result', true, 'reject', { how });
      log(c, `card ${c.record_id} ${where} ${how === 'reset' ? 'sent to the reject bin by the machine reset' : 'taken out of the machine by the operator'}; counted as spoiled (${c.reason ?? 'no reason'})`);
    })();
    out.push({ card: c, where });
  }
  return out;
}
