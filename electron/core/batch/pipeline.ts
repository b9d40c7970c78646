import { BatchIntake } from '../../../shared/batch/intake';
import { JsonBatchReader } from '../../../shared/batch/json-reader';
import { CsvBatchReader } from '../../../shared/batch/csv';
import { LIMITS } from '../../../shared/batch/limits';
import { ValidationError } from '../../../shared/domain/problems';
import { redactText } from '../../../shared/domain/redact';
import type { Product } from '../../../shared/domain/product';
import type { CardRecord } from '../../../shared/domain/record';
import type { Problem } from '../../../shared/domain/problems';
import type { Db } from '../store/db';
import type { RecordVault } from '../store/record-vault';
import { ConflictError } from '../store/card-store';
import { BatchWriter, dropAbandoned } from './batch-writer';
import type { SealPool } from './seal-pool';

// One import, fed the file in chunks: read (JSON or CSV, streamed), check every record (format,
// context, the product's checks), seal and store clean records as they come, in moderate
// transactions. The file is refused whole on any problem and what was stored is deleted; the
// batch becomes visible in the last transaction only. Runs in the import worker (the station)
// or in-process (the CLI, tests).
export interface ImportResult {
  batchId: string;
  productId: string;
  records: number;
}

export interface ImportProgress {
  /** Records checked so far, and an estimate of the file's records (from its size). */
  checked: number;
  total: number;
  bytes: number;
  totalBytes: number;
  /** Records per second, and the time left at that rate. */
  rate: number;
  etaMs: number;
  finished: boolean;
}

export interface ProductSource {
  has(id: string): boolean;
  get(id: string): Product;
  checkRecord(p: Product, r: CardRecord, n: number): Problem[];
}

export interface PipelineOptions {
  db: Db;
  vault: RecordVault;
  products: ProductSource;
  fileName: string;
  by: string | null;
  /** Size of the whole file when known (progress); 0 when not. */
  totalBytes?: number;
  now?: Date;
  onProgress?: (p: ImportProgress) => void;
  /** Seal workers (the import worker has them; in-process imports seal inline). */
  sealPool?: SealPool | null;
  /** Why a product cannot run on this station (its chip key), known before any record is stored. */
  refusals?: Readonly<Record<string, string>>;
  /** Batch ids of other imports still running (their hidden rows are not abandoned). */
  running?: ReadonlySet<string>;
}

export function looksLikeCsv(fileName: string, head: string): boolean {
  if (/\.csv$/i.test(fileName)) return true;
  if (/\.json$/i.test(fileName)) return false;
  const t = head.replace(/^\uFEFF/, '').trimStart();
  return !t.startsWith('{') && /^(#|recordId)/m.test(t);
}

export class ImportPipeline {
  private reader: JsonBatchReader | CsvBatchReader | null = null;
  private readonly intake: BatchIntake;
  private writer: BatchWriter | null = null;
  private conflict: ConflictError | null = null;
  private bytes = 0;
  private readonly started = performance.now();
  private lastProgress = 0;
  private done = false;

  constructor(private readonly o: PipelineOptions) {
    dropAbandoned(o.db, o.running ?? new Set());
    this.intake = new BatchIntake({
      now: o.now,
      onHeader: (h) => {
        if (!o.products.has(h.productId)) return { problems: [{ record: null, field: 'productId', message: `names product "${redactText(h.productId, 40)}", which this station does not have` }] };
        const refusal = o.refusals?.[h.productId];
        if (refusal) return { problems: [{ record: null, field: 'productId', message: refusal }] };
        const product = o.products.get(h.productId);
        const writer = new BatchWriter(o.db, o.vault, h, o.fileName, o.by, (o.now ?? new Date()).getTime(), o.sealPool ?? null);
        try {
          writer.begin();
          this.writer = writer;
        } catch (e) {
          if (!(e instanceof ConflictError)) throw e;
          this.conflict = e;
        }
        return { checks: { checkRecord: (r, n) => o.products.checkRecord(product, r, n), allowDuplicatePans: product.allowDuplicatePans === true } };
      },
      onRecord: (r, i) => {
        if (this.writer && !this.conflict) this.writer.add(r, i);
      },
    });
  }

  push(chunk: string): void {
    if (this.done || this.conflict) return;
    this.bytes += chunk.length;
    if (this.bytes > LIMITS.fileBytes) {
      this.intake.problem({ record: null, field: '(file)', message: `is larger than ${LIMITS.fileBytes / 1024 / 1024} MB` });
      this.done = true;
      return;
    }
    if (!this.reader) this.reader = looksLikeCsv(this.o.fileName, chunk.slice(0, 4096)) ? new CsvBatchReader(this.intake) : new JsonBatchReader(this.intake);
    this.reader.push(chunk);
    if (this.intake.problems.total && this.writer) {
      // Refused already: keep checking (every problem in one pass), stop storing.
      this.writer.abort();
      this.writer = null;
    }
    this.progress(false);
  }

  /** Ends the file: the batch is stored and visible, or refused (ValidationError, ConflictError) with nothing stored. */
  async finish(): Promise<ImportResult> {
    try {
      if (!this.done && !this.conflict) {
        if (!this.reader) this.reader = new JsonBatchReader(this.intake);
        await this.reader.end();
      }
      this.done = true;
      if (this.conflict) throw this.conflict;
      const p = this.intake.problems;
      if (p.total || !this.intake.head || !this.writer) throw new ValidationError(`batch file ${redactText(this.o.fileName, 80)} (nothing was imported)`, p.list, p.total);
      const records = await this.writer.commit();
      this.writer = null;
      this.progress(true);
      return { batchId: this.intake.head.batchId, productId: this.intake.head.productId, records };
    } finally {
      this.cancel();
    }
  }

  /** Stops here and deletes what was stored. */
  cancel(): void {
    this.done = true;
    this.writer?.abort();
    this.writer = null;
  }

  private progress(finished: boolean): void {
    const o = this.o.onProgress;
    if (!o) return;
    const t = performance.now();
    if (!finished && t - this.lastProgress < 200) return;
    this.lastProgress = t;
    const checked = this.intake.count;
    const totalBytes = Math.max(this.o.totalBytes ?? 0, this.bytes);
    const total = finished ? checked : totalBytes && this.bytes ? Math.max(checked, Math.round((checked * totalBytes) / this.bytes)) : checked;
    const rate = checked / Math.max(0.001, (t - this.started) / 1000);
    o({ checked, total, bytes: this.bytes, totalBytes, rate, etaMs: finished ? 0 : Math.round(((total - checked) / Math.max(rate, 1)) * 1000), finished });
  }
}
