import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { makePrivateDir, makePrivateFile } from './data-perms';
import { attachGuard } from './store-guard';

export type Db = Database.Database;
export type Durability = 'full' | 'normal';

// One SQLite database in the station's data directory. WAL lets the log viewer read while the
// engine writes. `full` durability fsyncs every commit, so a card's state survives a power cut
// before the next device action starts; `normal` only survives a process crash (for benches
// and tests that measure the engine, not the disk).
export function openDatabase(path: string, durability: Durability = 'full'): Db {
  if (path !== ':memory:') {
    // SQLite gives -wal and -shm the database file's mode, so the file is made 0600 before it opens it.
    makePrivateDir(dirname(path));
    makePrivateFile(path);
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  // Purged card records must not stay readable in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  if (path !== ':memory:') attachGuard(db, path);
  return db;
}
