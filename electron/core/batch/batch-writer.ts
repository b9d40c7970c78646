import type { Db } from '../store/db';
import type { RecordVault } from '../store/record-vault';
import type { BatchHeader } from '../../../shared/batch/record-schema';
import type { CardRecord } from '../../../shared/domain/record';
import { maskPan } from '../../../shared/domain/pan';
import { ConflictError } from '../store/card-store';
import type { SealPool } from './seal-pool';

// Stores a batch as it is checked, in moderate transactions, so the device thread's connection
// never waits long for the write lock and the WAL is checkpointed as it goes (one transaction
// over a million rows held the lock for minutes and grew the WAL to hundreds of MB). Until the
// last, small transaction the batch is listed in batch_imports, which hides it from everyone
// (CardStore filters on it); a refused or cancelled import deletes what it wrote, and one that
// never finished (a crash) is deleted by the next import (dropAbandoned).
export const ROWS_PER_TRANSACTION = 500;
/** Records per block handed to the seal workers. */
const SEAL_BLOCK = 1024;
// With a seal pool (the import worker, beside the device thread): the device thread's card writes
// wait for the write lock in SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20 ms… between
// tries, so a lock held 20 ms (or a run of transactions back to back) costs it 33 ms or more. So
// the importer holds the lock under a millisecond at a time and leaves it free for longer than the
// handler's first sleep after each transaction: a waiting write gets in at its first retry. The
// pause is filled with reading and checking, so an import rarely waits for it.
export const PACED_ROWS = 64;
const PACED_HOLD_MS = 0.8;
const PACED_GAP_MS = 1.2;
/** Sealed rows waiting beyond which the importer writes without the pause (memory stays bounded). */
const PACED_BACKLOG = 4 * SEAL_BLOCK;
/** Rows stored between two checkpoints by the importer. */
const CHECKPOINT_ROWS = 512;

export class BatchWriter {
  private readonly insRecord;
  private readonly insCard;
  private rows: { i: number; id: string; masked: string; sealed: Buffer }[] = [];
  /** Pooled: rows[rowsAt…] are waiting to be written. */
  private rowsAt = 0;
  private nextWriteAt = 0;
  private checkpointedAt = 0;
  private stored = 0;
  private begun = false;
  private readonly now: number;
  /** With a seal pool: the block being filled, and blocks out for sealing (oldest first). */
  private block: { i: number; id: string; masked: string; text: string }[] = [];
  private readonly out: { ticket: number; rows: { i: number; id: string; masked: string }[] }[] = [];

  constructor(private readonly db: Db, private readonly vault: RecordVault, private readonly header: BatchHeader, private readonly fileName: string, private readonly by: string | null, now = Date.now(), private readonly pool: SealPool | null = null) {
    this.now = now;
    this.insRecord = db.prepare('INSERT INTO records (batch_id, record_index, record_id, masked_pan, sealed) VALUES (?, ?, ?, ?, ?)');
    this.insCard = db.prepare("INSERT INTO cards (batch_id, record_index, record_id, masked_pan, attempt, state, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 'queued', ?, ?)");
  }

  get count(): number {
    return this.stored + this.rows.length - this.rowsAt + this.block.length + this.out.reduce((n, b) => n + b.rows.length, 0);
  }

  /** Takes the batch id (hidden) or throws ConflictError when it is taken. */
  begin(): void {
    const { batchId, productId, issuer } = this.header;
    this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM batches WHERE batch_id = ?').get(batchId)) throw new ConflictError(`batch ${batchId} was already imported; a batch id is imported once`);
      this.db.prepare('INSERT INTO batch_imports (batch_id, started_at) VALUES (?, ?)').run(batchId, this.now);
      this.db.prepare('INSERT INTO batches (batch_id, product_id, issuer, file_name, record_count, imported_at, imported_by) VALUES (?, ?, ?, ?, 0, ?, ?)').run(batchId, productId, issuer ?? null, this.fileName, this.now, this.by);
    })();
    this.begun = true;
  }

  add(r: CardRecord, i: number): void {
    if (!this.pool) {
      this.rows.push({ i, id: r.recordId, masked: maskPan(r.pan), sealed: this.vault.seal(r, `${this.header.batchId}/${i}`) });
      if (this.rows.length >= ROWS_PER_TRANSACTION) this.flush();
      return;
    }
    // Serialized here exactly as RecordVault.seal does; the seal workers only encrypt.
    const last = this.block[this.block.length - 1];
    if (last && last.i !== i - 1) this.dispatch();
    this.block.push({ i, id: r.recordId, masked: maskPan(r.pan), text: JSON.stringify(r) });
    if (this.block.length >= SEAL_BLOCK) this.dispatch();
    const waiting = this.rows.length - this.rowsAt;
    if (waiting && (waiting > PACED_BACKLOG || performance.now() >= this.nextWriteAt)) this.writeSome();
  }

  /** Pooled: one short transaction of the sealed rows waiting, then the pause before the next. */
  private writeSome(): void {
    const b = this.header.batchId;
    const t0 = performance.now();
    let k = this.rowsAt;
    const end = Math.min(this.rows.length, k + PACED_ROWS);
    this.db.transaction(() => {
      while (k < end) {
        const r = this.rows[k++];
        this.insRecord.run(b, r.i, r.id, r.masked, r.sealed);
        this.insCard.run(b, r.i, r.id, r.masked, this.now, this.now);
        if (performance.now() - t0 > PACED_HOLD_MS) break;
      }
    })();
    const t1 = performance.now();
    this.nextWriteAt = t1 + Math.max(PACED_GAP_MS, t1 - t0);
    this.stored += k - this.rowsAt;
    this.rowsAt = k;
    if (k === this.rows.length) {
      this.rows = [];
      this.rowsAt = 0;
    } else if (k > SEAL_BLOCK) {
      this.rows = this.rows.slice(k);
      this.rowsAt = 0;
    }
    // Checkpointed here, by the importer: otherwise the device thread's next commit finds the WAL
    // over its threshold and copies the import's pages itself.
    if (this.stored - this.checkpointedAt >= CHECKPOINT_ROWS) {
      this.checkpointedAt = this.stored;
      this.db.pragma('wal_checkpoint(PASSIVE)');
    }
  }

  /** Sends the block being filled for sealing; stores the oldest blocks once two are out. */
  private dispatch(): void {
    if (!this.block.length || !this.pool) return;
    const rows = this.block;
    this.block = [];
    const ticket = this.pool.submit(`${this.header.batchId}/`, rows[0].i, rows.map((r) => r.text));
    this.out.push({ ticket, rows: rows.map(({ i, id, masked }) => ({ i, id, masked })) });
    while (this.out.length > 2) this.takeOldest();
  }

  private takeOldest(): void {
    const b = this.out.shift()!;
    const sealed = this.pool!.take(b.ticket);
    b.rows.forEach((r, k) => this.rows.push({ ...r, sealed: sealed[k] }));
  }

  flush(): void {
    if (this.rows.length === this.rowsAt) return;
    const rows = this.rowsAt ? this.rows.slice(this.rowsAt) : this.rows;
    this.rows = [];
    this.rowsAt = 0;
    const b = this.header.batchId;
    this.db.transaction(() => {
      for (const r of rows) {
        this.insRecord.run(b, r.i, r.id, r.masked, r.sealed);
        this.insCard.run(b, r.i, r.id, r.masked, this.now, this.now);
      }
    })();
    this.stored += rows.length;
  }

  /** The last transaction: the batch becomes visible with all its cards, or not at all. */
  async commit(): Promise<number> {
    if (this.pool) {
      // The rows still out for sealing or waiting, written paced as during the reading.
      this.dispatch();
      for (;;) {
        if (this.rows.length - this.rowsAt < PACED_ROWS && this.out.length) this.takeOldest();
        if (this.rows.length === this.rowsAt) break;
        const wait = this.nextWriteAt - performance.now();
        // Each transaction in a turn of its own (the worker's messages, a cancel, get in between).
        await new Promise((r) => (wait > 0 ? setTimeout(r, Math.ceil(wait)) : setImmediate(r)));
        this.writeSome();
      }
    } else this.flush();
    const b = this.header.batchId;
    this.db.transaction(() => {
      this.db.prepare('UPDATE batches SET record_count = ? WHERE batch_id = ?').run(this.stored, b);
      this.db.prepare('DELETE FROM batch_imports WHERE batch_id = ?').run(b);
    })();
    return this.stored;
  }

  /** Deletes whatever this import stored (refused, cancelled or failed). */
  abort(): void {
    this.rows = [];
    this.rowsAt = 0;
    this.block = [];
    this.out.length = 0;
    if (this.begun) deleteBatchRows(this.db, this.header.batchId);
    this.begun = false;
  }
}

/** Deletes a hidden batch's rows in moderate transactions, then the batch and its marker. */
export function deleteBatchRows(db: Db, batchId: string): void {
  const delCards = db.prepare(`DELETE FROM cards WHERE rowid IN (SELECT rowid FROM cards WHERE batch_id = ? LIMIT ${ROWS_PER_TRANSACTION})`);
  const delRecords = db.prepare(`DELETE FROM records WHERE batch_id = ? AND record_index IN (SELECT record_index FROM records WHERE batch_id = ? LIMIT ${ROWS_PER_TRANSACTION})`);
  while (delCards.run(batchId).changes > 0);
  while (delRecords.run(batchId, batchId).changes > 0);
  db.transaction(() => {
    db.prepare('DELETE FROM batches WHERE batch_id = ?').run(batchId);
    db.prepare('DELETE FROM batch_imports WHERE batch_id = ?').run(batchId);
  })();
}

/** Deletes the batches of imports that never finished (a crash), except those still running. */
export function dropAbandoned(db: Db, running: ReadonlySet<string>): void {
  const ids = (db.prepare('SELECT batch_id FROM batch_imports').all() as { batch_id: string }[]).map((r) => r.batch_id);
  for (const id of ids) if (!running.has(id)) deleteBatchRows(db, id);
}
