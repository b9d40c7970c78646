import type { Database } from 'better-sqlite3';
import type { AuditEntryBytes, ShippedEntry } from './client';

// Ships a station's audit chain to the floor (issue 15 item 3): the entries after the floor's
// copy of this station's head, as the station's SQLite holds them, page by page. Each page is one
// statement, so a partition mid-way leaves the floor with a whole prefix and the next round goes
// on from there; a page sent twice is a no-op (ON CONFLICT DO NOTHING). Before sending anything
// it checks that the station still holds, at the floor's head, the entry the floor holds: a local
// log rewritten after it was shipped is named, not silently continued (the floor's copy, and its
// anchor in the floor's events, keep what was there).
export interface AuditShipPort {
  auditHead(): Promise<ShippedEntry | null>;
  shipAudit(entries: readonly AuditEntryBytes[]): Promise<number>;
}

export class AuditDivergedError extends Error {
  constructor(readonly seq: number, message: string) {
    super(message);
    this.name = 'AuditDivergedError';
  }
}

export interface ShipResult {
  /** Entries new to the floor in this round. */
  shipped: number;
  /** The floor's head of this station's chain after the round (0: nothing shipped yet). */
  head: number;
}

const PAGE = 2000;

export async function shipAuditLog(floor: AuditShipPort, db: Database, page = PAGE): Promise<ShipResult> {
  const head = await floor.auditHead();
  if (head) {
    const local = db.prepare('SELECT hash FROM audit_chain WHERE seq = ?').pluck(true).get(head.seq) as string | undefined;
    if (local === undefined) {
      // Archived and purged here since (retention): the floor's copy is all there is of it.
      const newest = db.prepare('SELECT max(seq) FROM audit_chain').pluck(true).get() as number | null;
      if (newest == null || newest < head.seq) {
        throw new AuditDivergedError(head.seq, `the floor holds this station's log up to entry ${head.seq}, but the station's log ends at ${newest ?? 0}: entries were removed here after they were shipped`);
      }
    } else if (local !== head.hash) {
      throw new AuditDivergedError(head.seq, `entry ${head.seq} of this station's log differs from the copy the floor received: the log was rewritten here after it was shipped`);
    }
  }
  const read = db.prepare('SELECT seq, canon, hash FROM audit_chain WHERE seq > ? ORDER BY seq LIMIT ?');
  let after = head?.seq ?? 0;
  let shipped = 0;
  for (;;) {
    const rows = read.all(after, page) as AuditEntryBytes[];
    if (!rows.length) break;
    shipped += await floor.shipAudit(rows);
    after = rows[rows.length - 1].seq;
    if (rows.length < page) break;
  }
  return { shipped, head: after };
}
