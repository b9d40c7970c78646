import type { Problem } from '../domain/problems';
import type { CardRecord } from '../domain/record';
import { redactText } from '../domain/redact';
import { LIMITS } from './limits';
import { BatchHeaderSchema, BatchRecordSchema, type BatchHeader } from './record-schema';
import { quickRecord } from './quick-record';

// Checks a batch one record at a time, so a file of a million records is checked as it streams
// in: the header, then each record (the schema, then what needs context: expiry against the
// import date, duplicate record ids and card numbers, the product's own checks). Every problem of
// every kind is collected in the same pass; the list is capped (LIMITS.problemsListed), the total
// is always counted. A problem names the record, the field and the rule, never the value.

export class ProblemList {
  readonly list: Problem[] = [];
  total = 0;
  add(p: Problem): void {
    this.total++;
    if (this.list.length < LIMITS.problemsListed) this.list.push(p);
  }
}

/** A field path for a problem: record keys may be anything, so each part is redacted and cut. */
export function pathOf(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : (s ? '.' : '') + redactText(String(p), 40);
  return s || '(record)';
}

export interface ValidatorOptions {
  /** The import date: expiry dates before its month are refused. */
  now?: Date;
  /** The product's own checks of one clean record (stripe, layout and fonts, chip data). */
  checkRecord?: (r: CardRecord, n: number) => Problem[];
  /** The product allows the same card number twice in a batch (e.g. replacement cards). */
  allowDuplicatePans?: boolean;
}

export class BatchValidator {
  readonly problems = new ProblemList();
  private readonly ids = new Map<string, number>();
  private readonly pans = new Map<string, number>();
  private readonly nowMonths: number;
  constructor(private opts: ValidatorOptions = {}) {
    const now = opts.now ?? new Date();
    this.nowMonths = (now.getUTCFullYear() - 2000) * 12 + now.getUTCMonth();
  }

  /** The product's checks, once the header has named the product. */
  setProductChecks(o: Pick<ValidatorOptions, 'checkRecord' | 'allowDuplicatePans'>): void {
    this.opts = { ...this.opts, ...o };
  }

  header(raw: unknown): BatchHeader | null {
    const h = BatchHeaderSchema.safeParse(raw);
    if (h.success) return h.data;
    for (const i of h.error.issues) {
      if (i.code === 'unrecognized_keys') for (const k of i.keys) this.problems.add({ record: null, field: redactText(k, 40), message: 'is not a field of the batch header' });
      else this.problems.add({ record: null, field: pathOf(i.path), message: i.message });
    }
    return null;
  }

  /** Record n (1-based): the clean record, or null with its problems listed. */
  record(raw: unknown, n: number): CardRecord | null {
    if (n > LIMITS.records) {
      if (n === LIMITS.records + 1) this.problems.add({ record: null, field: 'records', message: `the file has more than ${LIMITS.records} records` });
      return null;
    }
    const quick = quickRecord(raw);
    const rawId = (raw as { recordId?: unknown } | null)?.recordId;
    // Redacted only when a problem quotes it (most records have none).
    let rid: string | undefined | null = null;
    const recordId = () => (rid === null ? (rid = typeof rawId === 'string' ? redactText(rawId, LIMITS.recordId) : undefined) : rid);
    let r: CardRecord;
    if (quick) r = quick;
    else {
      const z = BatchRecordSchema.safeParse(raw);
      if (!z.success) {
        for (const i of z.error.issues) {
          if (i.code === 'unrecognized_keys') for (const k of i.keys) this.problems.add({ record: n, recordId: recordId(), field: pathOf([...i.path, k]), message: 'is not a field of the batch format' });
          else this.problems.add({ record: n, recordId: recordId(), field: pathOf(i.path), message: i.message });
        }
        return null;
      }
      r = z.data as CardRecord;
    }
    const before = this.problems.total;
    const add = (field: string, message: string) => this.problems.add({ record: n, recordId: recordId(), field, message });
    const yy = Number(r.expiry.slice(0, 2));
    const months = yy * 12 + Number(r.expiry.slice(2)) - 1;
    if (months < this.nowMonths) add('expiry', 'is in the past: the card would be expired at issue');
    else if (months > this.nowMonths + 12 * LIMITS.expiryYearsAhead) add('expiry', `is more than ${LIMITS.expiryYearsAhead} years ahead`);
    const firstId = this.ids.get(r.recordId);
    if (firstId !== undefined) add('recordId', `duplicates record ${firstId}`);
    else this.ids.set(r.recordId, n);
    if (!this.opts.allowDuplicatePans) {
      const firstPan = this.pans.get(r.pan);
      if (firstPan !== undefined) add('pan', `is the same card number as record ${firstPan} (the product does not allow duplicates)`);
      else this.pans.set(r.pan, n);
    }
    if (this.opts.checkRecord) for (const p of this.opts.checkRecord(r, n)) this.problems.add({ ...p, recordId: recordId() });
    return this.problems.total === before ? r : null;
  }
}
