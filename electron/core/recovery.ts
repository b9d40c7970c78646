import type { CardStore } from './store/card-store';
import type { AuditEntryInput } from './audit/types';

// After a crash or power cut, a card left "in progress" is physically somewhere in the machine
// with an unknown amount of work done to it. It is never personalized again by itself: it is
// failed as INTERRUPTED with what the journal knows (its last intent or result), and waits for a
// supervisor's decision.
export interface RecoveredCard {
  cardId: number;
  batchId: string;
  recordId: string;
  maskedPan: string;
  step: string | null;
  slot: number | null;
  lastAction: string | null;
  last: JournalEntry | null;
}

export interface JournalEntry {
  step: string;
  phase: 'intent' | 'result';
  ok: boolean | null;
  reason: string | null;
}

/** The journal's last entry as the contract carries it (ok as a boolean). */
export function journalEntry(j: { step: string; phase: string; ok: number | null; reason: string | null } | null): JournalEntry | null {
  return j ? { step: j.step, phase: j.phase === 'result' ? 'result' : 'intent', ok: j.ok == null ? null : j.ok === 1, reason: j.reason } : null;
}

export function recoverInterrupted(store: CardStore, log: (e: AuditEntryInput) => void): RecoveredCard[] {
  const out: RecoveredCard[] = [];
  for (const c of store.inProgress()) {
    const j = store.lastJournal(c.id);
    const lastAction = j ? `${j.step} ${j.phase}${j.phase === 'result' ? (j.ok ? ' ok' : ` failed (${j.reason})`) : ' (no result recorded)'}` : null;
    const base = { type: '', severity: 'info' as const, outcome: 'success' as const, origin: 'station', resource: `card:${c.id}`, batchId: c.batch_id, cardId: c.id, recordId: c.record_id, maskedPan: c.masked_pan };
    // Each card's new state and its log entry commit together.
    store.db.transaction(() => {
      if (j && j.step === 'eject' && j.phase === 'result' && j.ok && j.reason === 'good') {
        // Every step succeeded and the card is in the good tray: it is a good card, not a question.
        store.transition(c.id, 'passed', { step: null, slot: null });
        store.purgeRecord(c.batch_id, c.record_index);
        log({ ...base, type: 'card.passed', message: `card ${c.record_id} passed (it had reached the good tray when the station stopped)` });
        return;
      }
      const message = `the station stopped while this card was ${c.step ? `at ${c.step}` : 'in progress'}${lastAction ? `; last action: ${lastAction}` : ''}`;
      store.transition(c.id, 'failed', { reason: 'INTERRUPTED', message });
      log({ ...base, type: 'card.interrupted', severity: 'error', outcome: 'failure', message: `card ${c.record_id}: ${message}` });
      out.push({ cardId: c.id, batchId: c.batch_id, recordId: c.record_id, maskedPan: c.masked_pan, step: c.step, slot: c.slot, lastAction, last: journalEntry(j) });
    })();
  }
  return out;
}
