import { MANUAL_CALLS, type ManualPromptDto } from '../../../../shared/contract/areas/manual';
import type { AreaDeps, HandlersFor } from '../area';
import type { Station } from '../../station';
import { CallRefused } from '../dispatch';
import { ManualTransport, ManualPromptError, type ManualPrompt } from '../../manual/manual-transport';

// Handlers of the manual calls: the operator's prompts on a station without a transport
// machine. Viewing them needs batch.run; confirming a card is in place moves production on, so
// it needs engine.control, and each confirmation is logged (who put which card where).

/** Transports whose prompts already go out as station events (handlers may be built twice). */
const forwarded = new WeakSet<ManualTransport>();

function dto(station: Station, p: ManualPrompt): ManualPromptDto {
  const c = station.store.card(p.cardId);
  return { ...p, recordId: c.record_id, maskedPan: c.masked_pan };
}

export function manualTransportOf(station: Station): ManualTransport | null {
  const t = station.deviceSet.transport;
  return t instanceof ManualTransport ? t : null;
}

function forward(station: Station, t: ManualTransport): void {
  if (forwarded.has(t)) return;
  forwarded.add(t);
  t.onChange((c) => {
    if (c.type === 'added') return station.events.emit('manual.prompt', dto(station, c.prompt));
    const next = t.pending()[0];
    station.events.emit('manual.prompt', next ? dto(station, next) : null);
  });
}

function where(p: ManualPrompt): string {
  if (p.instruction === 'good-tray') return 'in the good tray';
  if (p.instruction === 'reject-tray') return 'in the reject tray';
  return `in ${p.deviceId ?? p.step}${p.slot !== null ? ` (slot ${p.slot})` : ''}`;
}

export function manualHandlers(d: AreaDeps): HandlersFor<typeof MANUAL_CALLS> {
  const t = manualTransportOf(d.station);
  if (t) forward(d.station, t);
  return {
    'manual.pending': (_i, conn) => {
      d.need(conn, 'batch.run');
      return { manual: !!t, prompts: t ? t.pending().map((p) => dto(d.station, p)) : [] };
    },
    'manual.confirm': (i, conn) => {
      const user = d.need(conn, 'engine.control');
      if (!t) throw new CallRefused('CONFLICT', 'this station has a transport machine: no card waits for a confirmation');
      let p: ManualPrompt;
      try {
        p = t.confirm(i.promptId);
      } catch (e) {
        if (e instanceof ManualPromptError) throw new CallRefused(e.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'CONFLICT', e.message);
        throw e;
      }
      const out = dto(d.station, p);
      d.station.log({
        type: 'manual.confirm', severity: 'info', outcome: 'success', user: user.username, origin: conn.origin, resource: `card:${out.cardId}`,
        batchId: d.station.store.card(out.cardId).batch_id, cardId: out.cardId, recordId: out.recordId, maskedPan: out.maskedPan,
        message: `${user.username} confirmed card ${out.recordId} is ${where(p)}`,
      });
      return out;
    },
  };
}
