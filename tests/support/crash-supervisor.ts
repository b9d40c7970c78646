import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bootStation } from '../../electron/boot';
import { dispatch } from '../../electron/core/api/dispatch';
import type { Connection } from '../../electron/core/api/handlers';
import type { RecoveredCardDto } from '../../shared/contract/areas/recovery';

// The supervisor between two crashes: opens the station (which recovers the cards found in
// progress), reads the recovery status as the UI would, and decides on every failed card —
// reworked, or now and then rejected — with a reason, through the same API calls a supervisor
// makes. Runs in the test process while no station process is running.
export interface SupervisorRound {
  /** Cards found in progress when this station opened (recovered by this open). */
  recovered: RecoveredCardDto[];
  /** Interrupted cards waiting for a decision, as recovery.status listed them. */
  awaiting: RecoveredCardDto[];
  decided: { cardId: number; reason: string | null; decision: 'rework' | 'reject'; lastAction: string | null }[];
  counts: { queued: number; inProgress: number; failed: number; passed: number };
}

export async function superviseFailedCards(configPath: string, batchId: string, rejectIf: () => boolean): Promise<SupervisorRound> {
  const creds = JSON.parse(readFileSync(join(dirname(configPath), 'demo-users.json'), 'utf8')) as Record<string, { username: string; password: string }>;
  const b = await bootStation({ configPath, origin: 'test' });
  try {
    const conn: Connection = { id: 'supervisor', origin: 'ui:supervisor', sessionId: null };
    const call = async (name: string, input: unknown) => {
      const r = await dispatch(b.handlers, name, input, conn);
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
      return r.value as never;
    };
    await call('session.login', creds.supervisor);
    const status = (await call('recovery.status', {})) as { recovered: RecoveredCardDto[]; awaitingDecision: RecoveredCardDto[] };
    const failed = b.station.store.page({ batchId, states: ['failed'], offset: 0, limit: 10_000 }).rows;
    const byId = new Map(status.awaitingDecision.map((c) => [c.cardId, c]));
    const decided: SupervisorRound['decided'] = [];
    for (const c of failed) {
      const decision = rejectIf() ? 'reject' : 'rework';
      const lastAction = byId.get(c.id)?.lastAction ?? null;
      const why = c.reason === 'INTERRUPTED' ? `card pulled from ${c.step ?? 'the line'} after the station stopped (last: ${lastAction ?? 'nothing'})` : `card failed with ${c.reason}`;
      await call('cards.decide', { cardId: c.id, decision, reason: `${decision === 'reject' ? 'spoiled, not remade' : 'remake'}: ${why}` });
      decided.push({ cardId: c.id, reason: c.reason, decision, lastAction });
    }
    const k = b.station.store.counts(batchId);
    return { recovered: status.recovered, awaiting: status.awaitingDecision, decided, counts: { queued: k.queued, inProgress: k.inProgress, failed: k.failed, passed: k.passed } };
  } finally {
    await b.station.close();
  }
}

/**
 * The operator after a restart: the cards of the interrupted run may still be in the machine, so
 * the station refuses to feed until the path is cleared; the operator clears it from the screen
 * (recovery.clearPath, the machine's reset). Returns how many cards were cleared.
 */
export async function clearPathAsOperator(configPath: string): Promise<number> {
  const creds = JSON.parse(readFileSync(join(dirname(configPath), 'demo-users.json'), 'utf8')) as Record<string, { username: string; password: string }>;
  const b = await bootStation({ configPath, origin: 'test' });
  try {
    const conn: Connection = { id: 'operator', origin: 'ui:operator', sessionId: null };
    const call = async (name: string, input: unknown) => {
      const r = await dispatch(b.handlers, name, input, conn);
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
      return r.value as never;
    };
    await call('session.login', creds.operator);
    const before = (await call('recovery.path', {})) as { cards: unknown[] };
    if (!before.cards.length) return 0;
    const after = (await call('recovery.clearPath', {})) as { cards: unknown[] };
    if (after.cards.length) throw new Error(`the path still holds ${after.cards.length} card(s) after clearing`);
    return before.cards.length;
  } finally {
    await b.station.close();
  }
}
