import type { Database } from 'better-sqlite3';
import type { Role } from '../auth/permissions';
import type { Signoff, SignoffRole, SpoiledCard } from '../../../shared/contract/areas/reports';
import type { CardState } from '../../../shared/domain/card-state';
import { migrate } from '../store/migrate';
import { REPORTS_DOMAIN, REPORTS_MIGRATIONS } from './schema';
import { NO_VAULT, sortReasons, type ReasonCount, type VaultFigures } from './reconcile';

// SQL for the reports: the reports' own tables (vault figures, sign-offs, closings) and read-only
// aggregates over the core's cards table. A physical card that finished is 'passed' (good) or
// 'failed'/'rejected'/'reworked' (spoiled); its updated_at is when it reached that state.
const SPOILED = "('failed','rejected','reworked')";
const FINISHED = "('passed','failed','rejected','reworked')";
export const UNKNOWN_REASON = 'UNKNOWN';

export interface VaultRow {
  figures: VaultFigures;
  recordedBy: string;
  recordedAt: number;
}

export interface WindowTally {
  batchId: string;
  good: number;
  spoiledByReason: ReasonCount[];
}

export class ReportStore {
  constructor(private readonly db: Database) {
    migrate(db, REPORTS_DOMAIN, REPORTS_MIGRATIONS);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- vault figures ----

  vault(batchId: string): VaultRow | null {
    const r = this.db.prepare('SELECT * FROM report_vault WHERE batch_id = ? ORDER BY id DESC LIMIT 1').get(batchId) as DbVault | undefined;
    return r ? { figures: { issued: r.issued, samples: r.samples, returned: r.returned }, recordedBy: r.recorded_by, recordedAt: r.recorded_at } : null;
  }

  /** The figures as they stood at time t (all null before the first entry). */
  vaultAsOf(batchId: string, t: number): VaultFigures {
    const r = this.db.prepare('SELECT * FROM report_vault WHERE batch_id = ? AND recorded_at <= ? ORDER BY recorded_at DESC, id DESC LIMIT 1').get(batchId, t) as DbVault | undefined;
    return r ? { issued: r.issued, samples: r.samples, returned: r.returned } : { ...NO_VAULT };
  }

  recordVault(batchId: string, f: VaultFigures, by: string, at: number, reason: string): void {
    this.db.prepare('INSERT INTO report_vault (batch_id, issued, samples, returned, recorded_by, recorded_at, reason) VALUES (?,?,?,?,?,?,?)').run(batchId, f.issued, f.samples, f.returned, by, at, reason);
  }

  vaultEntriesBetween(from: number, to: number): { batchId: string; recordedBy: string }[] {
    return (this.db.prepare('SELECT batch_id, recorded_by FROM report_vault WHERE recorded_at BETWEEN ? AND ? ORDER BY id').all(from, to) as DbVault[]).map((r) => ({ batchId: r.batch_id, recordedBy: r.recorded_by }));
  }

  // ---- sign-offs and closing ----

  signoffs(batchId: string): Signoff[] {
    const rows = this.db.prepare("SELECT * FROM report_signoffs WHERE batch_id = ? ORDER BY CASE role WHEN 'operator' THEN 0 ELSE 1 END").all(batchId) as DbSignoff[];
    return rows.map(toSignoff);
  }

  addSignoff(batchId: string, s: Signoff): void {
    this.db
      .prepare('INSERT INTO report_signoffs (batch_id, role, username, display_name, user_role, signed_at, log_seq, log_hash, reauthenticated) VALUES (?,?,?,?,?,?,?,?,?)')
      .run(batchId, s.role, s.username, s.displayName, s.userRole, s.signedAt, s.logSeq, s.logHash, s.reauthenticated ? 1 : 0);
  }

  /** Removes a batch's sign-offs (the figures they signed changed); returns those removed. */
  voidSignoffs(batchId: string): Signoff[] {
    const had = this.signoffs(batchId);
    this.db.prepare('DELETE FROM report_signoffs WHERE batch_id = ?').run(batchId);
    return had;
  }

  signoffsBetween(from: number, to: number): { batchId: string; username: string }[] {
    return (this.db.prepare('SELECT batch_id, username FROM report_signoffs WHERE signed_at BETWEEN ? AND ?').all(from, to) as DbSignoff[]).map((r) => ({ batchId: r.batch_id, username: r.username }));
  }

  closing(batchId: string): { closedAt: number; logSeq: number; logHash: string } | null {
    const r = this.db.prepare('SELECT * FROM report_closings WHERE batch_id = ?').get(batchId) as { closed_at: number; log_seq: number; log_hash: string } | undefined;
    return r ? { closedAt: r.closed_at, logSeq: r.log_seq, logHash: r.log_hash } : null;
  }

  addClosing(batchId: string, closedAt: number, head: { seq: number; hash: string }): void {
    this.db.prepare('INSERT INTO report_closings (batch_id, closed_at, log_seq, log_hash) VALUES (?,?,?,?)').run(batchId, closedAt, head.seq, head.hash);
  }

  // ---- the core's cards, read only ----

  /** Good and spoiled (by reason) of one batch, whenever they finished. */
  batchTally(batchId: string): { good: number; spoiledByReason: ReasonCount[] } {
    return this.tally('batch_id = ?', [batchId]).get(batchId) ?? { good: 0, spoiledByReason: [] };
  }

  /** Good and spoiled per batch for the cards that reached their state in [from, to]. */
  windowTally(from: number, to: number, batchId?: string): Map<string, WindowTally> {
    return batchId ? this.tally('batch_id = ? AND updated_at BETWEEN ? AND ?', [batchId, from, to]) : this.tally('updated_at BETWEEN ? AND ?', [from, to]);
  }

  spoiledCards(batchId: string, limit = 10_000): SpoiledCard[] {
    const rows = this.db
      .prepare(`SELECT id, record_id, masked_pan, attempt, state, reason, decided_by FROM cards WHERE batch_id = ? AND state IN ${SPOILED} ORDER BY id LIMIT ?`)
      .all(batchId, limit) as { id: number; record_id: string; masked_pan: string; attempt: number; state: CardState; reason: string | null; decided_by: string | null }[];
    return rows.map((r) => ({ cardId: r.id, recordId: r.record_id, maskedPan: r.masked_pan, attempt: r.attempt, state: r.state, reason: r.reason ?? UNKNOWN_REASON, decidedBy: r.decided_by }));
  }

  /** Finished cards in [from, to] in time order, for attribution and buckets (streamed). */
  *finishedCards(from: number, to: number, batchId?: string): Generator<{ batchId: string; good: boolean; at: number }> {
    const sql = `SELECT batch_id, state, updated_at FROM cards WHERE state IN ${FINISHED} AND updated_at BETWEEN ? AND ?${batchId ? ' AND batch_id = ?' : ''}`;
    const it = this.db.prepare(sql).iterate(...(batchId ? [from, to, batchId] : [from, to])) as IterableIterator<{ batch_id: string; state: CardState; updated_at: number }>;
    for (const r of it) yield { batchId: r.batch_id, good: r.state === 'passed', at: r.updated_at };
  }

  /** Per supervisor: reject/rework decisions whose card reached that state in [from, to]. */
  decisionsBetween(from: number, to: number): Map<string, number> {
    const rows = this.db
      .prepare("SELECT decided_by, COUNT(*) AS n FROM cards WHERE state IN ('rejected','reworked') AND decided_by IS NOT NULL AND updated_at BETWEEN ? AND ? GROUP BY decided_by")
      .all(from, to) as { decided_by: string; n: number }[];
    return new Map(rows.map((r) => [r.decided_by, r.n]));
  }

  private tally(where: string, args: unknown[]): Map<string, WindowTally> {
    const rows = this.db
      .prepare(`SELECT batch_id, state, COALESCE(reason, '${UNKNOWN_REASON}') AS reason, COUNT(*) AS n FROM cards WHERE state IN ${FINISHED} AND ${where} GROUP BY batch_id, state, 3`)
      .all(...args) as { batch_id: string; state: CardState; reason: string; n: number }[];
    const acc = new Map<string, { good: number; reasons: Map<string, number> }>();
    for (const r of rows) {
      let a = acc.get(r.batch_id);
      if (!a) acc.set(r.batch_id, (a = { good: 0, reasons: new Map() }));
      if (r.state === 'passed') a.good += r.n;
      else a.reasons.set(r.reason, (a.reasons.get(r.reason) ?? 0) + r.n);
    }
    return new Map([...acc].map(([b, a]) => [b, { batchId: b, good: a.good, spoiledByReason: sortReasons(a.reasons) }]));
  }
}

interface DbVault {
  batch_id: string;
  issued: number | null;
  samples: number | null;
  returned: number | null;
  recorded_by: string;
  recorded_at: number;
}

interface DbSignoff {
  batch_id: string;
  role: SignoffRole;
  username: string;
  display_name: string;
  user_role: Role;
  signed_at: number;
  log_seq: number;
  log_hash: string;
  reauthenticated: number;
}

function toSignoff(r: DbSignoff): Signoff {
  return { role: r.role, username: r.username, displayName: r.display_name, userRole: r.user_role, signedAt: r.signed_at, logSeq: r.log_seq, logHash: r.log_hash, reauthenticated: !!r.reauthenticated };
}
