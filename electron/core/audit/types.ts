// Shapes of the station audit log. An entry answers PCI CP's "who, what, when, success or
// failure, from where, on what" (user, type, ts, outcome, origin, resource).

export type Severity = 'info' | 'warn' | 'error';
export type Outcome = 'success' | 'failure';
export type DataValue = string | number | boolean | null;

export interface AuditEntryInput {
  /** Dotted event name, e.g. 'auth.login', 'card.done', 'key.ceremony.start'. */
  type: string;
  severity: Severity;
  outcome: Outcome;
  user?: string | null;
  /** Where the action came from: 'station', 'ui:<session>', 'cli', 'device:<id>'. */
  origin: string;
  /** What it acted on: 'card:123', 'batch:B1', 'device:reader-0', 'user:alice'. */
  resource?: string | null;
  batchId?: string | null;
  cardId?: number | null;
  recordId?: string | null;
  /** Already masked (at most first 6 + last 4); a full PAN given here is masked anyway. */
  maskedPan?: string | null;
  message: string;
  data?: Record<string, DataValue>;
}

export interface AuditEntry {
  seq: number;
  ts: number;
  type: string;
  severity: Severity;
  outcome: Outcome;
  user: string | null;
  origin: string;
  resource: string | null;
  batchId: string | null;
  cardId: number | null;
  recordId: string | null;
  maskedPan: string | null;
  message: string;
  data: Record<string, DataValue> | null;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  batchId?: string;
  cardId?: number;
  recordId?: string;
  maskedPan?: string;
  user?: string;
  resource?: string;
  outcome?: Outcome;
  type?: string | string[];
  severity?: Severity | Severity[];
  /** ts bounds in ms, inclusive. */
  from?: number;
  to?: number;
  /** Words searched in messages (full text, each word as a prefix, all must match). */
  text?: string;
  /** Keyset cursors: entries with seq < beforeSeq / seq > afterSeq. */
  beforeSeq?: number;
  afterSeq?: number;
  /** 'desc' (newest first, the default) or 'asc'. */
  order?: 'asc' | 'desc';
  /** Page size, default 100, at most 1000. */
  limit?: number;
  /** Also count the matching entries (capped, see AuditPage.totalCapped). */
  count?: boolean;
}

export interface AuditPage {
  rows: AuditEntry[];
  /** Number of matching entries (ignoring the cursor) when `count` was asked; at most COUNT_CAP. */
  total?: number;
  /** True when there are more than `total` matches: show "10,000+". */
  totalCapped?: boolean;
  /** Pass as beforeSeq (desc) or afterSeq (asc) to get the next page; absent on the last page. */
  nextCursor?: number;
}

/** How the log breaks; 'index': the chain is intact but the search or text index a filter reads is not true to it. */
export type ChainProblem = 'changed' | 'removed' | 'reordered' | 'inserted' | 'index';

export interface AnchorRef {
  seq: number;
  hash: string;
  /** When it was anchored (ms). */
  at: number;
  /** Where it was found: 'head file', 'reviewer sign-off of batch B1', 'closing of batch B1'. */
  source: string;
}

export type VerifyResult =
  | {
      ok: true; count: number; firstSeq: number | null; headSeq: number | null; headHash: string; archivedFiles: number;
      /** The newest anchor the chain was checked against; null when none was found (truncation of the newest entries is then not ruled out). */
      anchor?: AnchorRef | null;
    }
  | { ok: false; firstBadSeq: number; problem: ChainProblem; message: string };

export interface VerifyOptions {
  onProgress?(done: number, total: number): void;
  /** Also verify the archive files (needs the directory applyRetention wrote them to). */
  archiveDir?: string;
  /** Heads anchored outside the chain (head file, signed reports): the chain must reach each and hold its hash. */
  anchors?: readonly AnchorRef[];
}

export interface RetentionOptions {
  /** Entries older than this stay online in the database; at least 90. */
  onlineDays: number;
  /** Archive files are kept at least this long; at least 365. */
  keepDays: number;
  archiveDir: string;
  /** Who runs it, for the audit entry. */
  user?: string | null;
  origin?: string;
}

export interface RetentionResult {
  archived: number;
  files: string[];
  purgedFiles: string[];
}
