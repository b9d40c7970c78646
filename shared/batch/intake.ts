import type { Problem } from '../domain/problems';
import type { CardRecord } from '../domain/record';
import type { BatchSink } from './json-reader';
import type { BatchHeader } from './record-schema';
import { BatchValidator, type ValidatorOptions } from './validate';

// What a reader (JSON or CSV) feeds: the validator in file order. Once the header names a
// product, its checks join in; each clean record goes on (to be sealed and stored) only while
// the file has no problem at all, since a file with any problem is refused whole.
export interface IntakeOptions {
  now?: Date;
  /** The header is valid: the product's checks, or problems (unknown product, …). */
  onHeader?: (h: BatchHeader) => { checks?: Pick<ValidatorOptions, 'checkRecord' | 'allowDuplicatePans'>; problems?: Problem[] };
  /** A clean record, index 0-based, while the file so far has no problem. */
  onRecord?: (r: CardRecord, index: number) => void;
}

export class BatchIntake implements BatchSink {
  readonly validator: BatchValidator;
  head: BatchHeader | null = null;
  /** Records read so far (clean or not). */
  count = 0;
  constructor(private readonly opts: IntakeOptions = {}) {
    this.validator = new BatchValidator({ now: opts.now });
  }

  get problems() {
    return this.validator.problems;
  }

  header(raw: Record<string, unknown>): void {
    const h = this.validator.header(raw);
    this.head = h;
    if (!h || !this.opts.onHeader) return;
    const r = this.opts.onHeader(h);
    for (const p of r.problems ?? []) this.validator.problems.add(p);
    if (r.checks) this.validator.setProductChecks(r.checks);
  }

  record(raw: unknown, n: number): void {
    this.count = n;
    const r = this.validator.record(raw, n);
    if (r && this.validator.problems.total === 0) this.opts.onRecord?.(r, n - 1);
  }

  problem(p: Problem): void {
    this.validator.problems.add(p);
  }
}
