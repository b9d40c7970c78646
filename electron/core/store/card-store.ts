import type { Db } from './db';
import type { RecordVault, SealedBatch } from './record-vault';
import type { ParsedBatch } from '../../../shared/batch/format';
import type { CardRecord } from '../../../shared/domain/record';
import type { CardRow, Counts, BatchSummary } from '../../../shared/contract/dto';
import { assertTransition, type CardState, type CardStep } from '../../../shared/domain/card-state';
import { maskPan } from '../../../shared/domain/pan';
import { guardOf } from './store-guard';

// Batches, records and cards in SQLite. Every write is its own transaction, committed before
// the caller goes on to the next device action.
export interface CardDbRow {
  id: number;
  batch_id: string;
  record_index: number;
  record_id: string;
  masked_pan: string;
  attempt: number;
  state: CardState;
  step: CardStep | null;
  slot: number | null;
  reason: string | null;
  message: string | null;
  updated_at: number;
}

export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A batch whose import has not committed yet is not there for anyone but its importer. */
const NOT_IMPORTING = 'batch_id NOT IN (SELECT batch_id FROM batch_imports)';

const COUNT_KEYS: Record<CardState, keyof Counts> = {
  queued: 'queued', in_progress: 'inProgress', passed: 'passed', failed: 'failed', rejected: 'rejected', reworked: 'reworked', held: 'held',
};

export function emptyCounts(): Counts {
  return { total: 0, queued: 0, inProgress: 0, passed: 0, failed: 0, rejected: 0, reworked: 0, held: 0 };
}

export class CardStore {
  private readonly st;
  constructor(readonly db: Db, readonly vault: RecordVault, private readonly now: () => number = Date.now) {
    this.st = {
      card: db.prepare('SELECT * FROM cards WHERE id = ?'),
      update: db.prepare('UPDATE cards SET state = @state, step = @step, slot = @slot, reason = @reason, message = @message, updated_at = @now WHERE id = @id'),
      journal: db.prepare('INSERT INTO card_steps (card_id, step, slot, attempt, phase, ok, reason, facts, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      record: db.prepare('SELECT sealed FROM records WHERE batch_id = ? AND record_index = ?'),
      purge: db.prepare('UPDATE records SET sealed = NULL WHERE batch_id = ? AND record_index = ?'),
      nextQueued: db.prepare("SELECT * FROM cards WHERE batch_id = ? AND state = 'queued' ORDER BY id LIMIT 1"),
      counts: db.prepare('SELECT state, COUNT(*) AS n FROM cards WHERE batch_id = ? GROUP BY state'),
      countsAll: db.prepare(`SELECT state, COUNT(*) AS n FROM cards WHERE ${NOT_IMPORTING} GROUP BY state`),
      batch: db.prepare(`SELECT * FROM batches WHERE batch_id = ? AND ${NOT_IMPORTING}`),
      known: db.prepare('SELECT 1 FROM batches WHERE batch_id = ?'),
    };
  }

  /** True once a batch id is taken, also while its import is still running. */
  hasBatch(batchId: string): boolean {
    return !!this.st.known.get(batchId);
  }

  /** Stores a whole validated batch in one transaction: all of it, or nothing. */
  /** Starts sealing a decoded batch's records (see RecordVault.sealAll), for importBatch. */
  sealBatch(parsed: ParsedBatch): SealedBatch {
    return this.vault.sealAll(parsed.records, `${parsed.header.batchId}/`);
  }

  /**
   * Stores a whole validated batch in one transaction: all of it, or nothing. `sealed`, from
   * sealBatch on the same batch, brings the records already sealed; it is closed here.
   */
  importBatch(parsed: ParsedBatch, fileName: string, by: string | null, onProgress?: (done: number, total: number) => void, sealed?: SealedBatch): void {
    const seals = sealed ?? this.sealBatch(parsed);
    try {
      this.insertBatch(parsed, fileName, by, seals, onProgress);
    } finally {
      seals.close();
    }
    onProgress?.(parsed.records.length, parsed.records.length);
  }

  private insertBatch(parsed: ParsedBatch, fileName: string, by: string | null, sealed: SealedBatch, onProgress?: (done: number, total: number) => void): void {
    const { header, records } = parsed;
    const now = this.now();
    const insBatch = this.db.prepare('INSERT INTO batches (batch_id, product_id, issuer, file_name, record_count, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insRecord = this.db.prepare('INSERT INTO records (batch_id, record_index, record_id, masked_pan, sealed) VALUES (?, ?, ?, ?, ?)');
    const insCard = this.db.prepare("INSERT INTO cards (batch_id, record_index, record_id, masked_pan, attempt, state, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 'queued', ?, ?)");
    this.db.transaction(() => {
      if (this.hasBatch(header.batchId)) throw new ConflictError(`batch ${header.batchId} was already imported`);
      insBatch.run(header.batchId, header.productId, header.issuer ?? null, fileName, records.length, now, by);
      for (let i = 0; i < records.length; i++) {
        const r = records[i];
        const masked = maskPan(r.pan);
        insRecord.run(header.batchId, i, r.recordId, masked, sealed.get(i));
        insCard.run(header.batchId, i, r.recordId, masked, now, now);
        if (onProgress && (i & 4095) === 4095) onProgress(i + 1, records.length);
      }
    })();
  }

  batch(batchId: string): { batch_id: string; product_id: string; issuer: string | null; imported_at: number; imported_by: string | null; state: 'open' | 'held' | 'closed'; record_count: number } {
    const b = this.st.batch.get(batchId) as ReturnType<CardStore['batch']> | undefined;
    if (!b) throw new NotFoundError(`no batch ${batchId}`);
    return b;
  }

  setBatchState(batchId: string, state: 'open' | 'held' | 'closed'): void {
    this.batch(batchId);
    this.db.prepare('UPDATE batches SET state = ? WHERE batch_id = ?').run(state, batchId);
  }

  listBatches(productName: (id: string) => string): BatchSummary[] {
    const rows = this.db.prepare(`SELECT * FROM batches WHERE ${NOT_IMPORTING} ORDER BY imported_at DESC, batch_id`).all() as ReturnType<CardStore['batch']>[];
    return rows.map((b) => ({
      batchId: b.batch_id, productId: b.product_id, productName: productName(b.product_id), issuer: b.issuer, importedAt: b.imported_at,
      importedBy: b.imported_by, state: b.state, counts: this.counts(b.batch_id),
    }));
  }

  counts(batchId?: string): Counts {
    const c = emptyCounts();
    const rows = (batchId ? this.st.counts.all(batchId) : this.st.countsAll.all()) as { state: CardState; n: number }[];
    for (const r of rows) {
      c[COUNT_KEYS[r.state]] = r.n;
      c.total += r.n;
    }
    return c;
  }

  page(q: { batchId?: string; states?: CardState[]; recordId?: string; offset: number; limit: number }): { total: number; rows: CardDbRow[] } {
    const where: string[] = [NOT_IMPORTING];
    const args: unknown[] = [];
    if (q.batchId) {
      where.push('batch_id = ?');
      args.push(q.batchId);
    }
    if (q.states?.length) {
      where.push(`state IN (${q.states.map(() => '?').join(',')})`);
      args.push(...q.states);
    }
    if (q.recordId) {
      where.push('record_id = ?');
      args.push(q.recordId);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM cards ${w}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM cards ${w} ORDER BY id LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as CardDbRow[];
    return { total, rows };
  }

  card(id: number): CardDbRow {
    const c = this.st.card.get(id) as CardDbRow | undefined;
    if (!c) throw new NotFoundError(`no card ${id}`);
    return c;
  }

  nextQueued(batchId: string): CardDbRow | null {
    return (this.st.nextQueued.get(batchId) as CardDbRow | undefined) ?? null;
  }

  inProgress(): CardDbRow[] {
    return this.db.prepare("SELECT * FROM cards WHERE state = 'in_progress' ORDER BY id").all() as CardDbRow[];
  }

  /** Moves a card to a state (checked against the state machine) and commits. */
  transition(id: number, to: CardState, fields: { step?: CardStep | null; slot?: number | null; reason?: string | null; message?: string | null } = {}): CardDbRow {
    const c = this.card(id);
    assertTransition(id, c.state, to);
    // An outcome is only recorded where a crash cannot lose it (the WAL this store writes to is still there).
    if (to === 'passed' || to === 'failed' || to === 'rejected' || to === 'reworked') guardOf(this.db)?.assertDurable();
    const next = {
      id, state: to, now: this.now(),
      step: fields.step !== undefined ? fields.step : c.step,
      slot: fields.slot !== undefined ? fields.slot : c.slot,
      reason: fields.reason !== undefined ? fields.reason : c.reason,
      message: fields.message !== undefined ? fields.message : c.message,
    };
    this.st.update.run(next);
    return { ...c, state: to, step: next.step, slot: next.slot, reason: next.reason, message: next.message, updated_at: next.now };
  }

  /** The write-ahead journal: an intent before each device action, its result after. */
  journal(cardId: number, step: string, slot: number | null, attempt: number, phase: 'intent' | 'result', ok: boolean | null, reason: string | null, facts?: Record<string, unknown>): void {
    this.st.journal.run(cardId, step, slot, attempt, phase, ok == null ? null : ok ? 1 : 0, reason, facts ? JSON.stringify(facts) : null, this.now());
  }

  lastJournal(cardId: number): { step: string; phase: string; ok: number | null; reason: string | null; slot: number | null } | null {
    return (this.db.prepare('SELECT step, phase, ok, reason, slot FROM card_steps WHERE card_id = ? ORDER BY id DESC LIMIT 1').get(cardId) as ReturnType<CardStore['lastJournal']>) ?? null;
  }

  /** Opens a card's sealed record, for device commands only. */
  openRecord(c: Pick<CardDbRow, 'batch_id' | 'record_index'>): CardRecord {
    const row = this.st.record.get(c.batch_id, c.record_index) as { sealed: Buffer | null } | undefined;
    if (!row || !row.sealed) throw new NotFoundError(`the record of card ${c.batch_id}/${c.record_index + 1} is no longer held (its card is done)`);
    return this.vault.open(row.sealed, `${c.batch_id}/${c.record_index}`);
  }

  /** Drops the record's data (track data, CVV2, PIN data, the full PAN) once its card is done. */
  purgeRecord(batchId: string, recordIndex: number): void {
    this.st.purge.run(batchId, recordIndex);
  }

  /** A supervisor's decision on a failed card. Rework queues the record again on a new blank card. */
  /** The steps of a card whose last device result was a pass (from the journal): a pass followed by a failure is not one. */
  passedSteps(cardId: number): Set<string> {
    const last = this.db
      .prepare("SELECT step, ok FROM card_steps WHERE id IN (SELECT MAX(id) FROM card_steps WHERE card_id = ? AND phase = 'result' GROUP BY step)")
      .all(cardId) as { step: string; ok: number | null }[];
    return new Set(last.filter((r) => r.ok === 1).map((r) => r.step));
  }

  /** A failed card a supervisor inspected and found good: passed, its record purged like any passed card. */
  setGood(id: number, by: string, reason: string): CardDbRow {
    return this.db.transaction(() => {
      const c = this.transition(id, 'passed');
      this.db.prepare('UPDATE cards SET decided_by = ?, decision_reason = ? WHERE id = ?').run(by, reason, id);
      this.purgeRecord(c.batch_id, c.record_index);
      return this.card(id);
    })();
  }

  decide(id: number, decision: 'reject' | 'rework', by: string, reason: string): { card: CardDbRow; newCard: CardDbRow | null } {
    return this.db.transaction(() => {
      const c = this.transition(id, decision === 'reject' ? 'rejected' : 'reworked');
      this.db.prepare('UPDATE cards SET decided_by = ?, decision_reason = ? WHERE id = ?').run(by, reason, id);
      let newCard: CardDbRow | null = null;
      if (decision === 'reject') {
        // A rejected card is spoiled; its record is not made again, so its data goes.
        this.purgeRecord(c.batch_id, c.record_index);
      } else {
        const now = this.now();
        const r = this.db
          .prepare("INSERT INTO cards (batch_id, record_index, record_id, masked_pan, attempt, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)")
          .run(c.batch_id, c.record_index, c.record_id, c.masked_pan, c.attempt + 1, now, now);
        newCard = this.card(Number(r.lastInsertRowid));
      }
      return { card: this.card(id), newCard };
    })();
  }
}

export function toCardRow(c: CardDbRow, progress: number | null = null): CardRow {
  return {
    id: c.id, batchId: c.batch_id, recordIndex: c.record_index, recordId: c.record_id, attempt: c.attempt, maskedPan: c.masked_pan,
    state: c.state, step: c.step, slot: c.slot, progress, reason: c.reason, message: c.message, updatedAt: c.updated_at,
  };
}
