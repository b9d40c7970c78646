import type { Database } from 'better-sqlite3';
import { queryAudit } from './query';
import type { AuditEntry, AuditFilter } from './types';

// CSV export of a filtered log, page by page so a year of entries never sits in memory.
// Cells that a spreadsheet would take for a formula (= + - @ at the start) are prefixed with a
// quote: log text comes partly from outside (record ids, file names).

const HEADER = ['seq', 'time', 'type', 'severity', 'outcome', 'user', 'origin', 'resource', 'batch_id', 'card_id', 'record_id', 'masked_pan', 'message', 'data', 'prev_hash', 'hash'];

export function csvCell(v: string | number | null): string {
  if (v == null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function line(e: AuditEntry): string {
  return [
    e.seq, new Date(e.ts).toISOString(), e.type, e.severity, e.outcome, e.user, e.origin, e.resource, e.batchId, e.cardId,
    e.recordId, e.maskedPan, e.message, e.data == null ? null : JSON.stringify(e.data), e.prevHash, e.hash,
  ].map(csvCell).join(',') + '\r\n';
}

export function exportCsv(db: Database, filter: AuditFilter, write: (chunk: string) => void): number {
  const order = filter.order ?? 'asc';
  write(HEADER.join(',') + '\r\n');
  let n = 0;
  let cursor: number | undefined;
  for (;;) {
    const page = queryAudit(db, { ...filter, order, limit: 1000, count: false, ...(cursor == null ? {} : order === 'asc' ? { afterSeq: cursor } : { beforeSeq: cursor }) });
    if (page.rows.length) write(page.rows.map(line).join(''));
    n += page.rows.length;
    if (page.nextCursor == null) return n;
    cursor = page.nextCursor;
  }
}
