import type { Database, Statement } from 'better-sqlite3';
import { maskPansInText } from '../../../shared/domain/pan';
import { migrate } from '../store/migrate';
import { canonBytes, canonicalData, GENESIS_HASH, sha256HexBytes, wellFormed } from './chain';
import { AUDIT_DOMAIN, AUDIT_MIGRATIONS } from './schema';
import { exportCsv } from './csv';
import { queryAudit } from './query';
import { AuditIndexer } from './indexer';
import { applyRetention } from './retention';
import { verifyAudit } from './verify';
import { ANCHOR_EVERY, headFileFor, readHeadFile, signedAnchors, writeHeadFile, type Anchor } from './anchor';
import type {
  AuditEntry, AuditEntryInput, AuditFilter, AuditPage, DataValue, RetentionOptions, RetentionResult, VerifyOptions, VerifyResult,
} from './types';

const SEVERITIES = new Set(['info', 'warn', 'error']);
const OUTCOMES = new Set(['success', 'failure']);
const MAX_MESSAGE = 8000;

export interface AuditLogOptions {
  now?: () => number;
  /** Where the head is anchored; default the head file beside a file-backed database, null for none. */
  headFile?: string | null;
}

/** A card's outcome (or a supervisor's decision on it): the head is anchored after each. */
const CARD_OUTCOME = /^card\.(passed|failed|interrupted|reject|rework)/;

type Listener = (entries: AuditEntry[]) => void;

/**
 * The station's tamper-evident, append-only log. Appends are chained by SHA-256 (see chain.ts);
 * the last seq/hash/ts are cached so an append is one hash and one insert of (seq, canon, hash). The cache is only
 * trusted after an append this object committed itself: an append inside a caller's
 * transaction (which may roll back) or a failed insert makes the next append re-read the tail.
 */
export class AuditLog {
  private readonly now: () => number;
  private readonly insertRow: Statement;
  private readonly readTail: Statement;
  private readonly readCheckpoint: Statement;
  private readonly listeners = new Set<Listener>();
  private lastSeq = 0;
  private lastHash = GENESIS_HASH;
  private lastTs = 0;
  private trusted = false;
  private readonly txMany: (inputs: readonly AuditEntryInput[]) => AuditEntry[];
  private readonly indexer: AuditIndexer;
  readonly headFile: string | null;
  private anchoredSeq = -1;
  private anchorError: Error | null = null;

  constructor(readonly db: Database, opts: AuditLogOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.headFile = opts.headFile === undefined ? headFileFor(db) : opts.headFile;
    migrate(db, AUDIT_DOMAIN, AUDIT_MIGRATIONS);
    this.insertRow = db.prepare('INSERT INTO audit_chain (seq, canon, hash) VALUES (?, ?, ?)');
    this.readTail = db.prepare('SELECT seq, hash, ts FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.readCheckpoint = db.prepare('SELECT last_seq, last_hash, last_ts FROM audit_archive ORDER BY last_seq DESC LIMIT 1');
    this.txMany = db.transaction((inputs: readonly AuditEntryInput[]) => inputs.map((e) => this.insertOne(e)));
    this.indexer = new AuditIndexer(db);
    this.indexer.schedule();
  }

  /** Appends one entry (in its own transaction, or in the caller's if one is open). */
  append(e: AuditEntryInput): AuditEntry {
    return this.appendMany([e])[0];
  }

  /** Appends entries in one transaction: the fast path for a caller with many to write. */
  appendMany(es: readonly AuditEntryInput[]): AuditEntry[] {
    if (!es.length) return [];
    const outer = this.db.inTransaction;
    let out: AuditEntry[];
    try {
      if (!this.trusted) this.loadTail();
      out = this.txMany(es);
    } catch (err) {
      this.trusted = false;
      // Another writer (a second AuditLog on the same file) took our seq: re-read and retry once.
      if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY' || outer) throw err;
      this.loadTail();
      out = this.txMany(es);
    }
    this.trusted = !outer;
    // Only a head this object committed itself is anchored: one inside a caller's transaction may yet roll back.
    if (!outer && this.headFile) this.maybeAnchor(out);
    this.indexer.schedule();
    this.emit(out);
    return out;
  }

  /** Anchors the head now (e.g. before a report is signed or the station stops); false when it could not be written. */
  anchor(): boolean {
    if (!this.headFile || this.db.inTransaction) return false;
    const h = this.head();
    return this.writeAnchor(h.seq, h.hash);
  }

  /** The last error writing the head file (a full disk), null once a write succeeded again. */
  lastAnchorError(): Error | null {
    return this.anchorError;
  }

  /** Every anchor of the head found outside the chain: the head file and the signed reconciliations. */
  anchors(): Anchor[] {
    const out = signedAnchors(this.db);
    if (this.headFile) {
      const a = readHeadFile(this.headFile);
      if (a) out.push(a);
    }
    return out;
  }

  private maybeAnchor(out: readonly AuditEntry[]): void {
    const last = out[out.length - 1];
    if (this.anchoredSeq < 0) this.anchoredSeq = safeHeadSeq(this.headFile!);
    if (last.seq - this.anchoredSeq < ANCHOR_EVERY && !out.some((e) => CARD_OUTCOME.test(e.type))) return;
    this.writeAnchor(last.seq, last.hash);
  }

  private writeAnchor(seq: number, hash: string): boolean {
    if (seq <= 0) return false;
    try {
      // synchronous FULL (2) or EXTRA (3): the head is made as durable as the entry it names.
      writeHeadFile(this.headFile!, { seq, hash, at: this.now() }, (this.db.pragma('synchronous', { simple: true }) as number) >= 2);
      this.anchoredSeq = seq;
      this.anchorError = null;
      return true;
    } catch (e) {
      // The entry is committed; the anchor is retried at the next outcome. A full disk is the store's to report.
      this.anchorError = e as Error;
      return false;
    }
  }

  /** Called after each append with the new entries; returns the unsubscribe function. */
  onAppend(cb: Listener): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** The newest seq and hash: anchor them outside the station (a signed report) to make even a rewrite of the whole chain evident. */
  head(): { seq: number; hash: string } {
    this.loadTail();
    return { seq: this.lastSeq, hash: this.lastHash };
  }

  /** A filtered page; brings the search index up to date first, so it never misses an entry. */
  query(filter: AuditFilter = {}): AuditPage {
    this.indexer.catchUp();
    return queryAudit(this.db, filter);
  }

  /** Indexes pending entries now (normally done shortly after appends, and before any query). */
  flushIndex(): number {
    return this.indexer.catchUp();
  }

  /** Rebuilds the search tables from the log (they are derived data). */
  rebuildIndex(): number {
    return this.indexer.rebuild();
  }

  /** Stops the background indexing timer (call before closing the database). */
  close(): void {
    this.indexer.cancel();
  }

  /** Verifies the chain, and against the anchors of its head found outside it (unless opts.anchors says otherwise). */
  verify(opts: VerifyOptions = {}): VerifyResult {
    if (opts.anchors) return verifyAudit(this.db, opts);
    let anchors: Anchor[];
    try {
      anchors = this.anchors();
    } catch (e) {
      return { ok: false, firstBadSeq: 0, problem: 'removed', message: `the head anchor cannot be read: ${(e as Error).message}` };
    }
    return verifyAudit(this.db, { ...opts, anchors });
  }

  /** Writes the matching entries as CSV through `write`; returns how many were written. */
  exportCsv(filter: AuditFilter, write: (chunk: string) => void): number {
    this.indexer.catchUp();
    return exportCsv(this.db, filter, write);
  }

  applyRetention(opts: RetentionOptions): RetentionResult {
    this.indexer.catchUp();
    const result = applyRetention(this.db, opts, this.now());
    this.trusted = false;
    this.append({
      type: 'audit.retention',
      severity: 'info',
      outcome: 'success',
      user: opts.user ?? null,
      origin: opts.origin ?? 'station',
      resource: 'audit',
      message: `archived ${result.archived} entries into ${result.files.length} files, removed ${result.purgedFiles.length} expired archive files`,
      data: { archived: result.archived, files: result.files.length, purged: result.purgedFiles.length, onlineDays: opts.onlineDays, keepDays: opts.keepDays },
    });
    return result;
  }

  private loadTail(): void {
    const row = this.readTail.get() as { seq: number; hash: string; ts: number } | undefined;
    if (row) {
      this.lastSeq = row.seq;
      this.lastHash = row.hash;
      this.lastTs = row.ts;
    } else {
      const cp = this.readCheckpoint.get() as { last_seq: number; last_hash: string; last_ts: number } | undefined;
      this.lastSeq = cp?.last_seq ?? 0;
      this.lastHash = cp?.last_hash ?? GENESIS_HASH;
      this.lastTs = cp?.last_ts ?? 0;
    }
    this.trusted = true;
  }

  private insertOne(e: AuditEntryInput): AuditEntry {
    validate(e);
    const seq = this.lastSeq + 1;
    // Time never goes backwards in the log (a clock step back is clamped), which lets a time
    // range be turned into a seq range.
    const now = Math.trunc(this.now());
    const ts = now > this.lastTs ? now : this.lastTs;
    const message = wellFormed(maskPansInText(e.message.length > MAX_MESSAGE ? e.message.slice(0, MAX_MESSAGE - 1) + '…' : e.message));
    const data = e.data == null ? null : canonicalData(e.data, cleanValue);
    const maskedPan = e.maskedPan == null ? null : wellFormed(maskPansInText(e.maskedPan));
    const prevHash = this.lastHash;
    const row: unknown[] = [
      seq, ts, wellFormed(e.type), e.severity, e.outcome, wf(e.user), wellFormed(e.origin), wf(e.resource),
      wf(e.batchId), e.cardId ?? null, wf(e.recordId), maskedPan, message, data?.json ?? null, prevHash,
    ];
    // The stored bytes are the hashed bytes (chain v2): encoded once, hashed, inserted as is.
    const canon = canonBytes(row);
    const hash = sha256HexBytes(canon);
    this.insertRow.run(seq, canon, hash);
    this.lastSeq = seq;
    this.lastHash = hash;
    this.lastTs = ts;
    return {
      seq, ts, type: row[2] as string, severity: e.severity, outcome: e.outcome, user: row[5] as string | null, origin: row[6] as string,
      resource: row[7] as string | null, batchId: row[8] as string | null, cardId: row[9] as number | null,
      recordId: row[10] as string | null, maskedPan, message, data: data?.value ?? null, prevHash, hash,
    };
  }

  private emit(entries: AuditEntry[]): void {
    for (const l of this.listeners) {
      try {
        l(entries);
      } catch {
        // A subscriber (the UI feed) failing must not fail the append that already committed.
      }
    }
  }
}

function safeHeadSeq(path: string): number {
  try {
    return readHeadFile(path)?.seq ?? 0;
  } catch {
    return 0;
  }
}

function validate(e: AuditEntryInput): void {
  if (!e || typeof e.type !== 'string' || !e.type) throw new TypeError('audit entry: type is required');
  if (!SEVERITIES.has(e.severity)) throw new TypeError(`audit entry ${e.type}: severity must be info, warn or error`);
  if (!OUTCOMES.has(e.outcome)) throw new TypeError(`audit entry ${e.type}: outcome must be success or failure`);
  if (typeof e.origin !== 'string' || !e.origin) throw new TypeError(`audit entry ${e.type}: origin is required`);
  if (typeof e.message !== 'string') throw new TypeError(`audit entry ${e.type}: message must be a string`);
  if (e.cardId != null && !Number.isSafeInteger(e.cardId)) throw new TypeError(`audit entry ${e.type}: cardId must be an integer`);
}

function wf(s: string | null | undefined): string | null {
  return s == null ? null : wellFormed(s);
}

function cleanValue(k: string, v: unknown): DataValue {
  if (typeof v === 'string') return wellFormed(maskPansInText(v));
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    // A 12+ digit number could be a PAN passed as a number.
    return Math.abs(v) >= 1e11 ? maskPansInText(String(v)) : v;
  }
  if (v === null || typeof v === 'boolean') return v;
  throw new TypeError(`audit entry data.${k} must be a string, number, boolean or null`);
}
