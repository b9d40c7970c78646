import type { Database } from 'better-sqlite3';

// Numbered schema migrations, one sequence per domain (the store, the audit log, auth, keys…),
// all recorded in one `schema_migrations` table so that several modules can share a database
// file without knowing about each other's tables.

export interface Migration {
  /** 1, 2, 3… within the domain; never renumber a migration that has shipped. */
  version: number;
  name: string;
  up: string | ((db: Database) => void);
}

export class MigrationError extends Error {
  constructor(
    readonly domain: string,
    readonly code: 'NEWER_SCHEMA' | 'BAD_MIGRATIONS' | 'NAME_MISMATCH' | 'FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  domain TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  PRIMARY KEY (domain, version)
) WITHOUT ROWID`;

/** Highest version of `domain` recorded in the database (0 when none). */
export function schemaVersion(db: Database, domain: string): number {
  db.exec(CREATE_TABLE);
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations WHERE domain = ?').get(domain) as { v: number | null };
  return row.v ?? 0;
}

/**
 * Applies the migrations of `domain` that the database has not seen yet, each in its own
 * transaction together with its `schema_migrations` row, so a failure leaves the database at
 * the last good version. Running it again is a no-op. A database written by newer code (a
 * version this code does not know) is refused rather than silently used with a schema the
 * code does not understand.
 */
export function migrate(db: Database, domain: string, migrations: readonly Migration[]): void {
  if (!domain || typeof domain !== 'string') throw new MigrationError(String(domain), 'BAD_MIGRATIONS', 'migration domain must be a non-empty string');
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (!Number.isInteger(m.version) || m.version !== i + 1) {
      throw new MigrationError(domain, 'BAD_MIGRATIONS', `migrations of "${domain}" must be numbered 1, 2, 3… without gaps or duplicates (found ${m.version} at position ${i + 1})`);
    }
  });

  db.exec(CREATE_TABLE);
  const applied = db.prepare('SELECT version, name FROM schema_migrations WHERE domain = ? ORDER BY version').all(domain) as { version: number; name: string }[];
  const known = sorted.length;
  const newest = applied.length ? applied[applied.length - 1].version : 0;
  if (newest > known) {
    throw new MigrationError(
      domain,
      'NEWER_SCHEMA',
      `database schema "${domain}" is at version ${newest} but this program knows only up to version ${known}: it was written by a newer version of Perso Station; upgrade the program instead of using this database`,
    );
  }
  for (const a of applied) {
    const m = sorted[a.version - 1];
    if (m.name !== a.name) {
      throw new MigrationError(domain, 'NAME_MISMATCH', `migration ${a.version} of "${domain}" is recorded as "${a.name}" but this program calls it "${m.name}": the database does not come from this program's schema history`);
    }
  }

  const done = new Set(applied.map((a) => a.version));
  const record = db.prepare('INSERT INTO schema_migrations (domain, version, name, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of sorted) {
    if (done.has(m.version)) continue;
    const run = db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      record.run(domain, m.version, m.name, Date.now());
    });
    try {
      run();
    } catch (e) {
      throw new MigrationError(domain, 'FAILED', `migration ${m.version} "${m.name}" of "${domain}" failed: ${(e as Error).message}`);
    }
  }
}
