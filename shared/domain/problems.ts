// A problem found while validating input (a batch, a product, a template). Import and load
// paths collect every problem and refuse the whole input, so a person can fix all of them
// in one go.
export interface Problem {
  /** 1-based record number in the file, or null for a file- or product-level problem. */
  record: number | null;
  recordId?: string;
  /** Dotted path of the field, e.g. `pan` or `dgis[2].data` or `layout.front[1].x`. */
  field: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  const where = p.record == null ? '' : `record ${p.record}${p.recordId ? ` (${p.recordId})` : ''}, `;
  return `${where}${p.field}: ${p.message}`;
}

export class ValidationError extends Error {
  /** How many problems there are in all; `problems` may list only the first of them. */
  readonly total: number;
  constructor(readonly what: string, readonly problems: Problem[], total = problems.length) {
    const n = Math.max(total, problems.length);
    const listed = n > problems.length ? ` (the first ${problems.length.toLocaleString('en-US')} listed)` : '';
    super(`${what}: ${n.toLocaleString('en-US')} problem${n === 1 ? '' : 's'}${listed}\n` + problems.slice(0, 50).map((p) => '  - ' + formatProblem(p)).join('\n') + (problems.length > 50 ? `\n  … and ${n - 50} more` : ''));
    this.name = 'ValidationError';
    this.total = n;
  }
}
