import type { Database } from 'better-sqlite3';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, fchmodSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { AnchorRef } from './types';

// The chain proves every entry it holds, but not that it holds them all: deleting the newest
// entries (or all of them) leaves a shorter chain that still verifies. So the head (seq, hash,
// time) is anchored outside the chain: in a head file beside the database, written atomically
// after a card outcome or every ANCHOR_EVERY entries, and in every signed reconciliation (the
// sign-off and closing rows carry the head they were bound to, and their PDFs print it). verify
// then checks the chain against the newest anchor it finds and names what is missing.

export const HEAD_FILE = 'audit-head.json';
/** Entries after which the head is anchored even without a card outcome among them. */
export const ANCHOR_EVERY = 100;

export type Anchor = AnchorRef;

/** The head file beside a file-backed database; null for a memory database. */
export function headFileFor(db: Database): string | null {
  if (db.memory || !db.name) return null;
  return join(dirname(db.name), HEAD_FILE);
}

/**
 * Writes the head atomically (temp file, fsync, rename, fsync of the directory), mode 0600 whatever
 * the umask. `durable` false skips the fsyncs (durability "normal": survives a crash, not a power cut).
 */
export function writeHeadFile(path: string, head: { seq: number; hash: string; at: number }, durable: boolean): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const text = JSON.stringify({ version: 1, seq: head.seq, hash: head.hash, anchoredAt: new Date(head.at).toISOString() }) + '\n';
  const fd = openSync(tmp, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
    if (durable) fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* never written */
    }
    throw e;
  }
  if (durable) {
    try {
      const d = openSync(dirname(path), 'r');
      try {
        fsyncSync(d);
      } finally {
        closeSync(d);
      }
    } catch {
      // Directories cannot be opened for fsync on Windows; the rename is still atomic there.
    }
  }
}

/** The anchor in a head file, null when there is none; throws when it exists but cannot be read. */
export function readHeadFile(path: string): Anchor | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const o = JSON.parse(text) as { seq?: unknown; hash?: unknown; anchoredAt?: unknown };
  if (!Number.isSafeInteger(o.seq) || typeof o.hash !== 'string' || !/^[0-9a-f]{64}$/.test(o.hash) || typeof o.anchoredAt !== 'string') {
    throw new Error(`the head file ${basename(path)} is not a head anchor`);
  }
  return { seq: o.seq as number, hash: o.hash, at: Date.parse(o.anchoredAt), source: 'head file' };
}

/** Heads bound into signed reconciliations (sign-offs and closings), when the reports' tables exist. */
export function signedAnchors(db: Database): Anchor[] {
  const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('report_signoffs', 'report_closings')").pluck(true).all() as string[]));
  const out: Anchor[] = [];
  if (tables.has('report_signoffs')) {
    for (const r of db.prepare('SELECT batch_id, role, signed_at, log_seq, log_hash FROM report_signoffs').all() as { batch_id: string; role: string; signed_at: number; log_seq: number; log_hash: string }[]) {
      out.push({ seq: r.log_seq, hash: r.log_hash, at: r.signed_at, source: `${r.role} sign-off of batch ${r.batch_id}` });
    }
  }
  if (tables.has('report_closings')) {
    for (const r of db.prepare('SELECT batch_id, closed_at, log_seq, log_hash FROM report_closings').all() as { batch_id: string; closed_at: number; log_seq: number; log_hash: string }[]) {
      out.push({ seq: r.log_seq, hash: r.log_hash, at: r.closed_at, source: `closing of batch ${r.batch_id}` });
    }
  }
  return out;
}

/** Rows of the station's store that must have log entries (batch imports, cards, sign-offs). */
export function storeActivity(db: Database): { batches: number; cards: number; signoffs: number } {
  const has = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('batches', 'cards', 'report_signoffs')").pluck(true).all() as string[]));
  const n = (t: string) => (has.has(t) ? (db.prepare(`SELECT count(*) FROM ${t}`).pluck(true).get() as number) : 0);
  return { batches: n('batches'), cards: n('cards'), signoffs: n('report_signoffs') };
}

export function anchorDate(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : 'an unknown date';
}
