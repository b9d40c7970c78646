import type pg from 'pg';
import { logFloorEvent } from './events';

// The service's side of leases. A lease its station stopped renewing is never handed to
// another station: the card may be half-made in that machine, so its leased cards become
// INTERRUPTED and wait for a supervisor, as after a crash on one station. A lease whose cards
// were all reported is simply closed.
export interface ExpiredLease {
  leaseId: string;
  stationId: string;
  batchId: string;
  interrupted: number;
}

/** Ends every lease past its time (database clock); one transaction, logged per lease. */
export async function expireLeases(c: pg.ClientBase, actor = 'floor'): Promise<ExpiredLease[]> {
  await c.query('BEGIN');
  try {
    const gone = await c.query<{ lease_id: string; station_id: string; batch_id: string }>(
      "SELECT lease_id, station_id, batch_id FROM floor.leases WHERE state = 'active' AND expires_at <= now() ORDER BY expires_at FOR UPDATE SKIP LOCKED",
    );
    const out: ExpiredLease[] = [];
    for (const l of gone.rows) {
      const cards = await c.query("UPDATE floor.cards SET state = 'interrupted', reason = 'LEASE_EXPIRED' WHERE lease_id = $1 AND state = 'leased'", [l.lease_id]);
      const n = cards.rowCount ?? 0;
      await c.query('UPDATE floor.leases SET state = $2, ended_at = now() WHERE lease_id = $1', [l.lease_id, n ? 'expired' : 'closed']);
      if (n) await logFloorEvent(c, { actor, kind: 'lease.expired', batchId: l.batch_id, stationId: l.station_id, detail: { lease: l.lease_id, interrupted: n } });
      out.push({ leaseId: l.lease_id, stationId: l.station_id, batchId: l.batch_id, interrupted: n });
    }
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  }
}

/** Closes leases whose cards were all reported (nothing left to renew). */
export async function closeFinishedLeases(c: pg.ClientBase): Promise<number> {
  const r = await c.query(
    "UPDATE floor.leases l SET state = 'closed', ended_at = now() WHERE state = 'active' AND NOT EXISTS (SELECT 1 FROM floor.cards c WHERE c.lease_id = l.lease_id AND c.state = 'leased')",
  );
  return r.rowCount ?? 0;
}

export type InterruptedDecision = 'rework' | 'passed' | 'rejected';

/**
 * A supervisor's decision on an interrupted card: rework (the half-made blank is spoiled; the
 * record goes back to the queue for a new blank, attempt + 1), passed (inspected: good), or
 * rejected (the record is not made).
 */
export async function decideInterrupted(c: pg.ClientBase, o: { batchId: string; recordIndex: number; decision: InterruptedDecision; by: string; why: string }): Promise<void> {
  if (!o.why.trim()) throw new Error('a decision needs a reason');
  await c.query('BEGIN');
  try {
    const set =
      o.decision === 'rework'
        ? "state = 'queued', station_id = NULL, lease_id = NULL, attempt = attempt + 1, reason = NULL, late_result_id = NULL"
        : `state = '${o.decision === 'passed' ? 'passed' : 'rejected'}'`;
    const was = await c.query<{ station_id: string }>("SELECT station_id FROM floor.cards WHERE batch_id = $1 AND record_index = $2 AND state = 'interrupted' FOR UPDATE", [o.batchId, o.recordIndex]);
    if (!was.rowCount) throw new Error(`card ${o.recordIndex + 1} of batch ${o.batchId} is not interrupted`);
    await c.query(`UPDATE floor.cards SET ${set}, decided_by = $3 WHERE batch_id = $1 AND record_index = $2`, [o.batchId, o.recordIndex, o.by]);
    await logFloorEvent(c, { actor: o.by, kind: 'card.decided', batchId: o.batchId, stationId: was.rows[0].station_id, detail: { record: o.recordIndex, decision: o.decision, why: o.why } });
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  }
}
