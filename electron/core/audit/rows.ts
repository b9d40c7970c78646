import type { AuditEntry, DataValue, Outcome, Severity } from './types';

// Mapping between audit_log rows and AuditEntry objects.

export const SELECT_COLUMNS =
  'seq, ts, type, severity, outcome, user, origin, resource, batch_id, card_id, record_id, masked_pan, message, data, prev_hash, hash';

export interface DbRow {
  seq: number;
  ts: number;
  type: string;
  severity: string;
  outcome: string;
  user: string | null;
  origin: string;
  resource: string | null;
  batch_id: string | null;
  card_id: number | null;
  record_id: string | null;
  masked_pan: string | null;
  message: string;
  data: string | null;
  prev_hash: string;
  hash: string;
}

export function toEntry(r: DbRow): AuditEntry {
  let data: Record<string, DataValue> | null = null;
  if (r.data != null) {
    try {
      data = JSON.parse(r.data);
    } catch {
      // A row edited by hand may hold anything; verify() reports it, a page still shows it.
      data = { unparsable: r.data };
    }
  }
  return {
    seq: r.seq,
    ts: r.ts,
    type: r.type,
    severity: r.severity as Severity,
    outcome: r.outcome as Outcome,
    user: r.user,
    origin: r.origin,
    resource: r.resource,
    batchId: r.batch_id,
    cardId: r.card_id,
    recordId: r.record_id,
    maskedPan: r.masked_pan,
    message: r.message,
    data,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
