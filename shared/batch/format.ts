import type { CardRecord } from '../domain/record';
import type { Problem } from '../domain/problems';
import { BatchIntake, type IntakeOptions } from './intake';
import { JsonBatchReader } from './json-reader';
import { CsvBatchReader } from './csv';
import { BatchValidator } from './validate';
import { BatchRecordSchema, type BatchHeader } from './record-schema';

// The issuer's batch file, format "perso-batch/1" (docs/batch-format.md, JSON Schema in
// docs/batch.schema.json, generated from record-schema.ts). These helpers read a whole text at
// once, for small files and tests; the station's import streams (electron/core/batch).
export { BATCH_FORMAT, BATCH_ID, BatchHeaderSchema, BatchFileSchema, type BatchHeader, type BatchFile } from './record-schema';
export { quickRecord } from './quick-record';
export const StrictRecordSchema = BatchRecordSchema;

export interface ParsedBatch {
  header: BatchHeader;
  records: CardRecord[];
}

export interface ParseResult {
  batch: ParsedBatch | null;
  /** The problems listed (at most LIMITS.problemsListed) and how many there are in all. */
  problems: Problem[];
  total: number;
}

function collector(opts: IntakeOptions): { intake: BatchIntake; result: () => ParseResult } {
  const records: CardRecord[] = [];
  const intake = new BatchIntake({ ...opts, onRecord: (r, i) => ((records[i] = r), opts.onRecord?.(r, i)) });
  const result = (): ParseResult => {
    const p = intake.problems;
    if (p.total || !intake.head) return { batch: null, problems: p.list, total: Math.max(p.total, p.list.length) };
    return { batch: { header: intake.head, records }, problems: [], total: 0 };
  };
  return { intake, result };
}

/** Validates already-decoded header and raw records; returns every problem, never data values. */
export function validateBatch(header: unknown, rawRecords: unknown[], opts: IntakeOptions = {}): ParseResult {
  const { intake, result } = collector(opts);
  intake.header(header as Record<string, unknown>);
  if (rawRecords.length === 0) intake.problem({ record: null, field: 'records', message: 'the batch has no records' });
  rawRecords.forEach((r, i) => intake.record(r, i + 1));
  return result();
}

export function parseBatchJson(text: string, opts: IntakeOptions = {}): ParseResult {
  const { intake, result } = collector(opts);
  const reader = new JsonBatchReader(intake);
  reader.push(text);
  reader.end();
  return result();
}

export async function parseBatchCsv(text: string, defaults: { batchId?: string; productId?: string } = {}, opts: IntakeOptions = {}): Promise<ParseResult> {
  const { intake, result } = collector(opts);
  const reader = new CsvBatchReader(intake, defaults);
  reader.push(text);
  await reader.end();
  return result();
}

export { BatchValidator };
