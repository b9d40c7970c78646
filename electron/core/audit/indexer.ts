import type { Database, Statement } from 'better-sqlite3';

// Keeps audit_search and audit_fts (the derived search tables) up to date with audit_log. The
// work runs as two INSERT…SELECT statements over a seq range, so SQLite copies and indexes the
// rows without a round trip to JavaScript per row, and it runs off the append path: an append
// only schedules it, a query runs it first. Indexing in bulk also costs less than per-row
// index maintenance would.

const CHUNK = 20_000;
const DELAY_MS = 100;

export class AuditIndexer {
  private readonly state: Statement;
  private readonly head: Statement;
  private readonly copySearch: Statement;
  private readonly copyFts: Statement;
  private readonly setState: Statement;
  private readonly step: (from: number, to: number) => void;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Database) {
    this.state = db.prepare('SELECT indexed_through AS n FROM audit_index_state WHERE id = 1');
    this.head = db.prepare('SELECT max(seq) AS n FROM audit_chain');
    this.copySearch = db.prepare(`INSERT OR REPLACE INTO audit_search (seq, ts, type, severity, outcome, user, resource, batch_id, card_id, record_id, masked_pan)
      SELECT seq, ts, type, severity, outcome, user, resource, batch_id, card_id, record_id, masked_pan FROM audit_log WHERE seq > ? AND seq <= ?`);
    this.copyFts = db.prepare('INSERT INTO audit_fts (rowid, message) SELECT seq, message FROM audit_log WHERE seq > ? AND seq <= ?');
    this.setState = db.prepare('UPDATE audit_index_state SET indexed_through = ? WHERE id = 1');
    this.step = db.transaction((from: number, to: number) => {
      this.copySearch.run(from, to);
      this.copyFts.run(from, to);
      this.setState.run(to);
    });
  }

  indexedThrough(): number {
    return (this.state.get() as { n: number }).n;
  }

  /** Indexes every entry not indexed yet; returns how many. Safe to call inside a transaction. */
  catchUp(): number {
    this.cancel();
    const head = (this.head.get() as { n: number | null }).n ?? 0;
    let done = this.indexedThrough();
    const start = done;
    while (done < head) {
      const to = Math.min(head, done + CHUNK);
      this.step(done, to);
      done = to;
    }
    return done - start;
  }

  /** Runs catchUp soon, once, off the caller's stack; the timer does not keep the process alive. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        if (this.db.open && !this.db.inTransaction) this.catchUp();
      } catch {
        // Derived data: a failure here (database closed or busy) is retried by the next query.
      }
    }, DELAY_MS);
    this.timer.unref();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Drops and rebuilds the search tables from audit_log. */
  rebuild(): number {
    this.db.transaction(() => {
      this.db.exec("DELETE FROM audit_search; INSERT INTO audit_fts(audit_fts) VALUES ('delete-all'); UPDATE audit_index_state SET indexed_through = 0");
    })();
    return this.catchUp();
  }
}
