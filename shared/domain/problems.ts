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
  constructor(readonly what: string, readonly problems: Problem[]) {
    super(`${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` + problems.slice(0, 50).map((p) => '  - ' + formatProblem(p)).join('\n') + (problems.length > 50 ? `\n  … and ${problems.length - 50} more` : ''));
    this.name = 'ValidationError';
  }
}
