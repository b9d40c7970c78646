import type { Database, Statement } from 'better-sqlite3';
import { CHAIN_TAG } from './chain';
import { headLength } from './search-head';

// Keeps audit_search and audit_fts (the derived search tables) up to date with audit_log, off the
// append path: an append only schedules it, a query runs it first. Indexing in bulk also costs
// less than per-row index maintenance would. The text index is one INSERT…SELECT per seq range;
// the search rows take each entry's head (search-head.ts), cut here because SQL cannot find where
// the twelfth element of the array ends.

const CHUNK = 20_000;
const DELAY_MS = 100;

export class AuditIndexer {
  private readonly state: Statement;
  private readonly head: Statement;
  private readonly readCanon: Statement;
  private readonly clearSearch: Statement;
  private readonly putSearch: Statement;
  private readonly copyFts: Statement;
  private readonly setState: Statement;
  private readonly step: (from: number, to: number) => void;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Database) {
    this.state = db.prepare('SELECT indexed_through AS n FROM audit_index_state WHERE id = 1');
    this.head = db.prepare('SELECT max(seq) AS n FROM audit_chain');
    // The filter columns are generated from the head (schema.ts, v3).
    this.readCanon = db.prepare('SELECT seq, canon FROM audit_chain WHERE seq > ? AND seq <= ? ORDER BY seq').raw(true);
    // Rows left in the range (made up, or from an interrupted run) are cleared first: INSERT OR
    // REPLACE cost four times a plain insert on this table of generated columns.
    this.clearSearch = db.prepare('DELETE FROM audit_search WHERE seq > ? AND seq <= ?');
    this.putSearch = db.prepare('INSERT INTO audit_search (seq, head) VALUES (?, ?)');
    this.copyFts = db.prepare('INSERT INTO audit_fts (rowid, message) SELECT seq, message FROM audit_log WHERE seq > ? AND seq <= ?');
    this.setState = db.prepare('UPDATE audit_index_state SET indexed_through = ? WHERE id = 1');
    this.step = db.transaction((from: number, to: number) => {
      const tag = Buffer.byteLength(CHAIN_TAG);
      this.clearSearch.run(from, to);
      for (const [seq, canon] of this.readCanon.all(from, to) as [number, Buffer][]) {
        // A canon that is not an array of enough elements (edited by hand) is kept whole: its
        // head then decodes as blanks, which verify names.
        const n = headLength(canon, 0, canon.length, tag);
        this.putSearch.run(seq, n < 0 ? canon : canon.subarray(0, n));
      }
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
