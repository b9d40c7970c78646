import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../../electron/core/audit';

/** A fresh file-backed database in a temp directory, with a clock the test can move. */
export function setup(opts: { start?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'perso-sec-'));
  const db = new Database(join(dir, 'station.db'));
  db.pragma('journal_mode = WAL');
  const clock = { t: opts.start ?? Date.UTC(2025, 0, 1) };
  const now = () => clock.t;
  const audit = new AuditLog(db, { now });
  return {
    dir, db, clock, now, audit,
    cleanup() {
      audit.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Drops the append-only triggers so a test can tamper by hand, like someone with the file would. */
export function dropGuards(db: Database.Database): void {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
}

export function entry(i: number, extra: Record<string, unknown> = {}) {
  return { type: 'card.done', severity: 'info' as const, outcome: 'success' as const, user: 'op1', origin: 'station', message: `card ${i} done`, ...extra };
}
