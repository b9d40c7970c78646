import type { Database } from 'better-sqlite3';
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeArchiveFile } from './archive-file';
import { decodeCanon, GENESIS_HASH, sha256HexBytes } from './chain';
import type { RetentionOptions, RetentionResult } from './types';

// Retention (PCI CP: logs kept one year, three months online). Entries older than onlineDays
// leave the database for gzipped JSONL files, one per UTC day (split at FILE_MAX entries),
// written atomically before the rows are deleted; each file gets a row in audit_archive with
// its first prev_hash and last hash, and the newest such row is the checkpoint the online chain
// continues from. Only a chain that verifies is archived, so tampering cannot be laundered into
// an archive. Files older than keepDays are deleted and marked purged (never their row).

export const MIN_ONLINE_DAYS = 90;
export const MIN_KEEP_DAYS = 365;
const FILE_MAX = 50_000;
const DAY = 86_400_000;

export class RetentionError extends Error {
  constructor(message: string, readonly firstBadSeq?: number) {
    super(message);
    this.name = 'RetentionError';
  }
}

export function checkRetentionOptions(o: RetentionOptions): void {
  if (!(o.onlineDays >= MIN_ONLINE_DAYS)) throw new RetentionError(`retention: onlineDays must be at least ${MIN_ONLINE_DAYS} (three months online), got ${o.onlineDays}`);
  if (!(o.keepDays >= MIN_KEEP_DAYS)) throw new RetentionError(`retention: keepDays must be at least ${MIN_KEEP_DAYS} (one year), got ${o.keepDays}`);
  if (o.keepDays < o.onlineDays) throw new RetentionError(`retention: keepDays (${o.keepDays}) must not be shorter than onlineDays (${o.onlineDays})`);
  if (!o.archiveDir) throw new RetentionError('retention: archiveDir is required');
}

export function applyRetention(db: Database, o: RetentionOptions, now: number): RetentionResult {
  checkRetentionOptions(o);
  mkdirSync(o.archiveDir, { recursive: true, mode: 0o700 });
  const cutoff = now - o.onlineDays * DAY;
  const result: RetentionResult = { archived: 0, files: [], purgedFiles: [] };

  const cp = db.prepare('SELECT last_seq, last_hash FROM audit_archive ORDER BY last_seq DESC LIMIT 1').get() as { last_seq: number; last_hash: string } | undefined;
  let prevHash = cp?.last_hash ?? GENESIS_HASH;
  let expectSeq = (cp?.last_seq ?? 0) + 1;
  const next = db.prepare('SELECT seq, canon, hash FROM audit_chain WHERE seq >= ? ORDER BY seq').raw(true);
  const record = db.prepare('INSERT INTO audit_archive (file, first_seq, last_seq, first_ts, last_ts, first_prev_hash, last_hash, entries, sha256, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)');
  const drop = db.prepare('DELETE FROM audit_chain WHERE seq >= ? AND seq <= ?');
  const dropFts = db.prepare('DELETE FROM audit_fts WHERE rowid >= ? AND rowid <= ?');
  const dropSearch = db.prepare('DELETE FROM audit_search WHERE seq >= ? AND seq <= ?');

  for (;;) {
    // Entries are checked as they are read and the file ends at the first one that is not old
    // enough or is of another UTC day (ts never decreases along a chain that verifies).
    const rows: unknown[][] = [];
    const firstPrev = prevHash;
    let day = -1;
    for (const [seq, canon, hash] of next.iterate(expectSeq) as IterableIterator<[number, Buffer, string]>) {
      const d = Buffer.isBuffer(canon) ? decodeCanon(canon) : null;
      const row = d?.row;
      const ts = row?.[1];
      if (typeof ts === 'number' && (ts >= cutoff || (day >= 0 && Math.floor(ts / DAY) !== day))) break;
      if (seq !== expectSeq) throw new RetentionError(`retention stopped: entry ${expectSeq} is missing from the log; run verify`, expectSeq);
      // The archive line must re-encode to the very bytes that were hashed, or the file would not verify.
      if (!row || typeof ts !== 'number' || row[0] !== seq || row[14] !== prevHash || sha256HexBytes(canon) !== hash || JSON.stringify(row) !== d.json) {
        throw new RetentionError(`retention stopped: the chain breaks at entry ${seq}; run verify`, seq);
      }
      if (day < 0) day = Math.floor(ts / DAY);
      rows.push([...row, hash]);
      prevHash = hash;
      expectSeq = seq + 1;
      if (rows.length === FILE_MAX) break;
    }
    if (!rows.length) break;
    const first = rows[0];
    const last = rows[rows.length - 1];
    const date = new Date(day * DAY).toISOString().slice(0, 10);
    const file = `audit-${date}-${pad(first[0] as number)}-${pad(last[0] as number)}.jsonl.gz`;
    const sha = writeArchiveFile(join(o.archiveDir, file), rows);
    db.transaction(() => {
      record.run(file, first[0], last[0], first[1], last[1], firstPrev, last[15], rows.length, sha, now);
      dropFts.run(first[0], last[0]);
      dropSearch.run(first[0], last[0]);
      drop.run(first[0], last[0]);
    })();
    result.archived += rows.length;
    result.files.push(file);
  }

  const expired = db.prepare('SELECT file FROM audit_archive WHERE purged_at IS NULL AND last_ts < ? ORDER BY first_seq').all(now - o.keepDays * DAY) as { file: string }[];
  const markPurged = db.prepare('UPDATE audit_archive SET purged_at = ? WHERE file = ?');
  for (const { file } of expired) {
    const path = join(o.archiveDir, file);
    if (existsSync(path)) unlinkSync(path);
    markPurged.run(now, file);
    result.purgedFiles.push(file);
  }
  return result;
}

function pad(n: number): string {
  return String(n).padStart(12, '0');
}
