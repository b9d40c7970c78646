import { randomUUID } from 'node:crypto';
import type { Db } from '../../core/store/db';
import { migrate, type Migration } from '../../core/store/migrate';
import type { FloorResult, Lease } from './client';

// A station in floor mode, in its own SQLite (the same database as its journal, so a result can
// be recorded in the transaction that records the card's outcome): the cards it holds from the
// floor's leases, and the outbox of results still to deliver. A result gets its id when it is
// recorded, once per card attempt, so however often it is sent (after a partition, a crash
// between the floor's commit and ours) the floor counts it once.
export const FLOOR_LINK_DOMAIN = 'floor-link';

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'cards held from floor leases, outbox of results',
    up: `
      CREATE TABLE floor_held (
        batch_id TEXT NOT NULL,
        record_index INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        lease_id TEXT NOT NULL,
        record_id TEXT NOT NULL,
        masked_pan TEXT NOT NULL,
        claimed_at INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'reported', 'lost')),
        PRIMARY KEY (batch_id, record_index, attempt)
      ) WITHOUT ROWID;
      CREATE INDEX floor_held_lease ON floor_held(lease_id, state);
      CREATE TABLE floor_outbox (
        seq INTEGER PRIMARY KEY,
        result_id TEXT NOT NULL UNIQUE,
        lease_id TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        record_index INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('passed', 'failed')),
        reason TEXT,
        done_at INTEGER NOT NULL,
        delivered_at INTEGER,
        UNIQUE (batch_id, record_index, attempt)
      );
      CREATE INDEX floor_outbox_pending ON floor_outbox(seq) WHERE delivered_at IS NULL;
    `,
  },
];

export interface CardOutcome {
  batchId: string;
  recordIndex: number;
  attempt: number;
  outcome: 'passed' | 'failed';
  reason: string | null;
  doneAt?: Date;
}

interface OutboxRow {
  result_id: string;
  lease_id: string;
  batch_id: string;
  record_index: number;
  attempt: number;
  outcome: 'passed' | 'failed';
  reason: string | null;
  done_at: number;
}

export class FloorOutbox {
  constructor(private readonly db: Db) {
    migrate(db, FLOOR_LINK_DOMAIN, MIGRATIONS);
  }

  /** Records the cards of a lease just claimed as held by this station. */
  hold(lease: Lease, now = Date.now()): void {
    const ins = this.db.prepare('INSERT OR IGNORE INTO floor_held (batch_id, record_index, attempt, lease_id, record_id, masked_pan, claimed_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const c of lease.cards) ins.run(c.batchId, c.recordIndex, c.attempt, lease.leaseId, c.recordId, c.maskedPan, now);
    })();
  }

  /**
   * A held card's outcome, into the outbox; returns its result id. Recording the same card
   * attempt again returns the id it already has (nothing new to send). Runs inside the caller's
   * transaction when there is one (better-sqlite3 nests it as a savepoint).
   */
  record(o: CardOutcome): string {
    return this.db.transaction(() => {
      const had = this.db.prepare('SELECT result_id FROM floor_outbox WHERE batch_id = ? AND record_index = ? AND attempt = ?').get(o.batchId, o.recordIndex, o.attempt) as { result_id: string } | undefined;
      if (had) return had.result_id;
      const held = this.db.prepare('SELECT lease_id FROM floor_held WHERE batch_id = ? AND record_index = ? AND attempt = ?').get(o.batchId, o.recordIndex, o.attempt) as { lease_id: string } | undefined;
      if (!held) throw new Error(`card ${o.recordIndex + 1} (attempt ${o.attempt}) of batch ${o.batchId} is not held from the floor`);
      const id = randomUUID();
      this.db
        .prepare('INSERT INTO floor_outbox (result_id, lease_id, batch_id, record_index, attempt, outcome, reason, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, held.lease_id, o.batchId, o.recordIndex, o.attempt, o.outcome, o.reason, (o.doneAt ?? new Date()).getTime());
      // A card of a lost lease stays 'lost': its result still goes up, for the supervisor.
      this.db.prepare("UPDATE floor_held SET state = 'reported' WHERE batch_id = ? AND record_index = ? AND attempt = ? AND state = 'held'").run(o.batchId, o.recordIndex, o.attempt);
      return id;
    })();
  }

  /** Results not yet delivered, oldest first. */
  pending(limit: number): FloorResult[] {
    const rows = this.db.prepare('SELECT result_id, lease_id, batch_id, record_index, attempt, outcome, reason, done_at FROM floor_outbox WHERE delivered_at IS NULL ORDER BY seq LIMIT ?').all(limit) as OutboxRow[];
    return rows.map((r) => ({ resultId: r.result_id, leaseId: r.lease_id, batchId: r.batch_id, recordIndex: r.record_index, attempt: r.attempt, outcome: r.outcome, reason: r.reason, doneAt: new Date(r.done_at) }));
  }

  markDelivered(resultIds: readonly string[], now = Date.now()): void {
    const up = this.db.prepare('UPDATE floor_outbox SET delivered_at = ? WHERE result_id = ? AND delivered_at IS NULL');
    this.db.transaction(() => {
      for (const id of resultIds) up.run(now, id);
    })();
  }

  /** Leases with cards this station still holds (to renew). */
  activeLeases(): string[] {
    return (this.db.prepare("SELECT DISTINCT lease_id FROM floor_held WHERE state = 'held' ORDER BY lease_id").all() as { lease_id: string }[]).map((r) => r.lease_id);
  }

  /** The floor ended a lease (it was not renewed in time): its cards wait for a supervisor there. */
  markLost(leaseId: string): number {
    return this.db.prepare("UPDATE floor_held SET state = 'lost' WHERE lease_id = ? AND state = 'held'").run(leaseId).changes;
  }

  counts(): { held: number; queued: number; lost: number } {
    const h = this.db.prepare("SELECT sum(state = 'held') AS held, sum(state = 'lost') AS lost FROM floor_held").get() as { held: number | null; lost: number | null };
    const q = this.db.prepare('SELECT count(*) AS n FROM floor_outbox WHERE delivered_at IS NULL').get() as { n: number };
    return { held: h.held ?? 0, queued: q.n, lost: h.lost ?? 0 };
  }
}
