import type { Migration } from '../store/migrate';

export const AUTH_DOMAIN = 'auth';

// Failure count and lock-out live in the database so that restarting the station does not
// reset a lock-out; sessions live in memory only, so a restart logs everybody out.
export const AUTH_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'users',
    up: `
CREATE TABLE auth_users (
  username TEXT PRIMARY KEY COLLATE NOCASE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'administrator')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  password_changed_at INTEGER NOT NULL,
  last_login_at INTEGER
);`,
  },
];
