import { RECOVERY_CALLS, type RecoveredCardDto } from '../../../../shared/contract/areas/recovery';
import type { AreaDeps, HandlersFor } from '../area';
import type { Station } from '../../station';
import type { CardDbRow } from '../../store/card-store';
import { CallRefused } from '../dispatch';
import { journalEntry } from '../../recovery';

// Handlers of the recovery calls. Viewing needs batch.run, not card.decide: the operator at the
// line is the one who takes the interrupted cards out of the devices, so they must see where
// each one is; deciding on them stays with the supervisor (cards.decide, card.decide).
const MAX_AWAITING = 500;

function deviceAt(station: Station, step: string | null, slot: number | null): string | null {
  if (!step || slot === null) return null;
  const m = station.deviceSet.modules[step as keyof typeof station.deviceSet.modules];
  return m?.deviceIds[slot] ?? m?.deviceIds[0] ?? null;
}

function describeLast(station: Station, cardId: number): string | null {
  const j = station.store.lastJournal(cardId);
  if (!j) return null;
  return `${j.step} ${j.phase}${j.phase === 'result' ? (j.ok ? ' ok' : ` failed (${j.reason})`) : ' (no result recorded)'}`;
}

function fromRow(station: Station, c: CardDbRow): RecoveredCardDto {
  return {
    cardId: c.id, batchId: c.batch_id, recordId: c.record_id, attempt: c.attempt, maskedPan: c.masked_pan,
    step: c.step, slot: c.slot, deviceId: deviceAt(station, c.step, c.slot), lastAction: describeLast(station, c.id), last: journalEntry(station.store.lastJournal(c.id)), state: c.state,
  };
}

function pathStatus(station: Station) {
  const cards = station.engine.pathCards().map((c) => ({
    cardId: c.id, batchId: c.batch_id, recordId: c.record_id, maskedPan: c.masked_pan, step: c.step, slot: c.slot,
    deviceId: deviceAt(station, c.step, c.slot), state: c.state, reason: c.reason,
  }));
  return { cards, clearBy: station.deviceSet.transport.clearPath ? ('machine' as const) : ('by-hand' as const) };
}

export function recoveryHandlers(d: AreaDeps): HandlersFor<typeof RECOVERY_CALLS> {
  return {
    'recovery.path': (_i, conn) => {
      d.need(conn, 'batch.run');
      return pathStatus(d.station);
    },
    'recovery.clearPath': async (i, conn) => {
      // Clearing moves the machine (a reset) or records a card as taken out: the line's control.
      const user = d.need(conn, 'engine.control');
      const entry = { type: 'engine.command', user: user.username, origin: conn.origin, resource: 'station' };
      try {
        const r = await d.station.engine.clearPath(i.cardId);
        d.station.log({ ...entry, severity: 'warn', outcome: 'success', message: i.cardId === undefined ? `path cleared: ${r.cleared.length} card(s) to the reject bin` : `card ${r.cleared[0]?.recordId} confirmed taken out of the machine` });
      } catch (e) {
        d.station.log({ ...entry, severity: 'warn', outcome: 'failure', message: `clearing the path failed: ${(e as Error).message}` });
        throw new CallRefused('CONFLICT', `the path could not be cleared: ${(e as Error).message}`);
      }
      return pathStatus(d.station);
    },
    'recovery.status': (_i, conn) => {
      d.need(conn, 'batch.run');
      const { station } = d;
      const start = station.audit.query({ type: 'station.start', order: 'desc', limit: 1 }).rows[0];
      const recovered = station.recovered.map((r) => {
        const now = station.store.card(r.cardId);
        // Where the card was and what was last done come from the moment of recovery, not from now.
        return { ...fromRow(station, now), step: r.step, slot: r.slot, deviceId: deviceAt(station, r.step, r.slot), lastAction: r.lastAction, last: r.last };
      });
      const rows = station.store.db
        .prepare("SELECT * FROM cards WHERE state = 'failed' AND reason = 'INTERRUPTED' ORDER BY id LIMIT ?")
        .all(MAX_AWAITING + 1) as CardDbRow[];
      return {
        startedAt: start?.ts ?? 0,
        recovered,
        awaitingDecision: rows.slice(0, MAX_AWAITING).map((c) => fromRow(station, c)),
        truncated: rows.length > MAX_AWAITING,
      };
    },
  };
}
