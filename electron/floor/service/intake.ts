import type pg from 'pg';
import { BatchIntake } from '../../../shared/batch/intake';
import { JsonBatchReader } from '../../../shared/batch/json-reader';
import { CsvBatchReader } from '../../../shared/batch/csv';
import { LIMITS } from '../../../shared/batch/limits';
import { ValidationError } from '../../../shared/domain/problems';
import { redactText } from '../../../shared/domain/redact';
import { maskPan } from '../../../shared/domain/pan';
import type { RecordVault } from '../../core/store/record-vault';
import { looksLikeCsv, type ProductSource } from '../../core/batch/pipeline';
import { ConflictError } from '../../core/store/card-store';
import { logFloorEvent } from './events';

// A batch file taken by the floor: the station's readers and checks (shared/batch, the
// products' own checks), every record sealed with the floor's record key as a station seals it
// (AES-256-GCM, AAD "batch/index"; the key is a file of the service's, never in the database),
// stored in one transaction, so the batch is in the queue whole or not at all. A refused file
// (any problem) stores nothing and says why, as a station's import does.
const ROWS_PER_INSERT = 500;

export interface FloorIntakeOptions {
  /** A connection of the service (or the owner); the transaction is this function's. */
  client: pg.ClientBase;
  vault: RecordVault;
  products: ProductSource;
  fileName: string;
  by: string;
  /** Stations that may run the batch (more can be assigned later). */
  stations?: readonly string[];
  now?: Date;
}

export interface FloorIntakeResult {
  batchId: string;
  productId: string;
  records: number;
}

interface Row {
  i: number;
  id: string;
  masked: string;
  sealed: Buffer;
}

export async function intakeBatch(o: FloorIntakeOptions, chunks: Iterable<string> | AsyncIterable<string>): Promise<FloorIntakeResult> {
  const c = o.client;
  let pending: Row[] = [];
  let stored = 0;
  let begun = false;
  let conflict: ConflictError | null = null;
  const intake = new BatchIntake({
    now: o.now,
    onHeader: (h) => {
      if (!o.products.has(h.productId)) return { problems: [{ record: null, field: 'productId', message: `names product "${redactText(h.productId, 40)}", which the floor does not have` }] };
      const product = o.products.get(h.productId);
      return { checks: { checkRecord: (r, n) => o.products.checkRecord(product, r, n), allowDuplicatePans: product.allowDuplicatePans === true } };
    },
    onRecord: (r, i) => {
      pending.push({ i, id: r.recordId, masked: maskPan(r.pan), sealed: o.vault.seal(r, `${intake.head!.batchId}/${i}`) });
    },
  });
  // The readers call back synchronously; rows are written between chunks.
  const flush = async () => {
    if (!intake.head || intake.problems.total || conflict) {
      pending = [];
      return;
    }
    if (!begun) {
      const h = intake.head;
      await c.query('BEGIN');
      begun = true;
      const taken = await c.query('SELECT 1 FROM floor.batches WHERE batch_id = $1', [h.batchId]);
      if (taken.rowCount) {
        conflict = new ConflictError(`batch ${h.batchId} was already taken by the floor; a batch id is taken once`);
        return;
      }
      await c.query('INSERT INTO floor.batches (batch_id, product_id, issuer, file_name, record_count, imported_by) VALUES ($1, $2, $3, $4, 0, $5)', [h.batchId, h.productId, h.issuer ?? null, o.fileName, o.by]);
    }
    while (pending.length) {
      const rows = pending.splice(0, ROWS_PER_INSERT);
      const cols = [rows.map((r) => r.i), rows.map((r) => r.id), rows.map((r) => r.masked)];
      const b = intake.head.batchId;
      await c.query('INSERT INTO floor.records (batch_id, record_index, record_id, masked_pan, sealed) SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::bytea[])', [b, ...cols, rows.map((r) => r.sealed)]);
      await c.query('INSERT INTO floor.cards (batch_id, record_index, record_id, masked_pan) SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[])', [b, ...cols]);
      stored += rows.length;
    }
  };
  let reader: JsonBatchReader | CsvBatchReader | null = null;
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      if (bytes > LIMITS.fileBytes) {
        intake.problem({ record: null, field: '(file)', message: `is larger than ${LIMITS.fileBytes / 1024 / 1024} MB` });
        break;
      }
      if (!reader) reader = looksLikeCsv(o.fileName, chunk.slice(0, 4096)) ? new CsvBatchReader(intake) : new JsonBatchReader(intake);
      reader.push(chunk);
      await flush();
      if (conflict) break;
    }
    if (!conflict && bytes <= LIMITS.fileBytes) await (reader ?? new JsonBatchReader(intake)).end();
    await flush();
    if (conflict) throw conflict;
    const p = intake.problems;
    if (p.total || !intake.head || !begun) throw new ValidationError(`batch file ${redactText(o.fileName, 80)} (nothing was taken)`, p.list, p.total);
    const h = intake.head;
    await c.query('UPDATE floor.batches SET record_count = $2 WHERE batch_id = $1', [h.batchId, stored]);
    for (const s of o.stations ?? []) await c.query('INSERT INTO floor.batch_stations (batch_id, station_id) VALUES ($1, $2)', [h.batchId, s]);
    await logFloorEvent(c, { actor: o.by, kind: 'batch.intake', batchId: h.batchId, detail: { file: redactText(o.fileName, 80), records: stored, product: h.productId, stations: o.stations ?? [] } });
    await c.query('COMMIT');
    begun = false;
    return { batchId: h.batchId, productId: h.productId, records: stored };
  } finally {
    if (begun) await c.query('ROLLBACK');
  }
}

/** Lets more stations run a batch. */
export async function assignBatch(c: pg.ClientBase, batchId: string, stations: readonly string[], by: string): Promise<void> {
  await c.query('BEGIN');
  try {
    for (const s of stations) await c.query('INSERT INTO floor.batch_stations (batch_id, station_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [batchId, s]);
    await logFloorEvent(c, { actor: by, kind: 'batch.assigned', batchId, detail: { stations } });
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  }
}
