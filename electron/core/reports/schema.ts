import type { Migration } from '../store/migrate';

// The reports' own tables. Vault figures are kept as a history of absolute values (the latest
// row is the batch's current figure) so that a shift report can take the change over a time
// window. A sign-off row carries the log head it was bound to; voiding one deletes the row (the
// signing and the voiding both stay in the audit log).
export const REPORTS_DOMAIN = 'reports';

export const REPORTS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'vault figures, sign-offs, closings',
    up: `
      CREATE TABLE report_vault (
        id INTEGER PRIMARY KEY,
        batch_id TEXT NOT NULL,
        issued INTEGER,
        samples INTEGER,
        returned INTEGER,
        recorded_by TEXT NOT NULL,
        recorded_at INTEGER NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE INDEX report_vault_batch ON report_vault(batch_id, recorded_at, id);
      CREATE INDEX report_vault_time ON report_vault(recorded_at);
      CREATE TABLE report_signoffs (
        batch_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('operator','reviewer')),
        username TEXT NOT NULL,
        display_name TEXT NOT NULL,
        user_role TEXT NOT NULL,
        signed_at INTEGER NOT NULL,
        log_seq INTEGER NOT NULL,
        log_hash TEXT NOT NULL,
        reauthenticated INTEGER NOT NULL,
        PRIMARY KEY (batch_id, role)
      ) WITHOUT ROWID;
      CREATE INDEX report_signoffs_time ON report_signoffs(signed_at);
      CREATE TABLE report_closings (
        batch_id TEXT PRIMARY KEY,
        closed_at INTEGER NOT NULL,
        log_seq INTEGER NOT NULL,
        log_hash TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];
