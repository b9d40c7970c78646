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
const SEAL_BLOCK = 4096;

export class BatchWriter {
  private readonly insRecord;
  private readonly insCard;
  private rows: { i: number; id: string; masked: string; sealed: Buffer }[] = [];
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
    return this.stored + this.rows.length + this.block.length + this.out.reduce((n, b) => n + b.rows.length, 0);
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
    b.rows.forEach((r, k) => {
      this.rows.push({ ...r, sealed: sealed[k] });
      if (this.rows.length >= ROWS_PER_TRANSACTION) this.flush();
    });
  }

  flush(): void {
    if (!this.rows.length) return;
    const rows = this.rows;
    this.rows = [];
    const b = this.header.batchId;
    this.db.transaction(() => {
      for (const r of rows) {
        this.insRecord.run(b, r.i, r.id, r.masked, r.sealed);
        this.insCard.run(b, r.i, r.id, r.masked, this.now, this.now);
      }
    })();
    this.stored += rows.length;
    // Checkpointed here, by the importer: otherwise the device thread's next commit finds the WAL
    // over its threshold and copies the import's pages itself.
    if (this.pool) this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** The last transaction: the batch becomes visible with all its cards, or not at all. */
  commit(): number {
    this.dispatch();
    while (this.out.length) this.takeOldest();
    this.flush();
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
