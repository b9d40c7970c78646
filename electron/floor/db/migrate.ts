import type pg from 'pg';
import { FLOOR_MIGRATIONS, type FloorMigration } from './migrations';

// Applies the floor's numbered migrations, as the station's store does for SQLite: each in its
// own transaction with its row in floor_migrations, so a failure leaves the database at the last
// good version; running it again is a no-op; a database written by a newer program is refused.
// Run by the database's owner (it creates the schema and the roles), never by a station.
// A session-level advisory lock keeps two services started together from migrating at once.
const LOCK = 'perso-floor-migrate';

export class FloorMigrationError extends Error {
  constructor(readonly code: 'NEWER_SCHEMA' | 'NAME_MISMATCH' | 'FAILED', message: string) {
    super(message);
    this.name = 'FloorMigrationError';
  }
}

export async function floorSchemaVersion(c: pg.ClientBase): Promise<number> {
  const t = await c.query<{ ok: boolean }>("SELECT to_regclass('public.floor_migrations') IS NOT NULL AS ok");
  if (!t.rows[0].ok) return 0;
  const r = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM public.floor_migrations');
  return r.rows[0].v ?? 0;
}

/** Brings the schema to this program's version; returns the versions applied now. */
export async function migrateFloor(c: pg.ClientBase, migrations: readonly FloorMigration[] = FLOOR_MIGRATIONS): Promise<number[]> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new FloorMigrationError('FAILED', `floor migrations must be numbered 1, 2, 3… in order (found ${m.version} at position ${i + 1})`);
  });
  await c.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK]);
  try {
    await c.query('CREATE TABLE IF NOT EXISTS public.floor_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    await c.query('REVOKE ALL ON public.floor_migrations FROM PUBLIC');
    const applied = (await c.query<{ version: number; name: string }>('SELECT version, name FROM public.floor_migrations ORDER BY version')).rows;
    const newest = applied.length ? applied[applied.length - 1].version : 0;
    if (newest > migrations.length) {
      throw new FloorMigrationError('NEWER_SCHEMA', `the floor database is at schema version ${newest} but this program knows only up to ${migrations.length}: it was written by a newer Perso Station; upgrade the program`);
    }
    for (const a of applied) {
      const m = migrations[a.version - 1];
      if (m.name !== a.name) throw new FloorMigrationError('NAME_MISMATCH', `floor migration ${a.version} is recorded as "${a.name}" but this program calls it "${m.name}": the database does not come from this program's schema history`);
    }
    const done: number[] = [];
    for (const m of migrations.slice(newest)) {
      await c.query('BEGIN');
      try {
        await c.query(m.sql);
        await c.query('INSERT INTO public.floor_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK');
        throw new FloorMigrationError('FAILED', `floor migration ${m.version} "${m.name}" failed: ${(e as Error).message}`);
      }
      done.push(m.version);
    }
    // The service checks the version it runs against (the roles exist once migration 1 ran).
    if (migrations.length) await c.query('GRANT SELECT ON public.floor_migrations TO floor_service');
    return done;
  } finally {
    await c.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK]);
  }
}
