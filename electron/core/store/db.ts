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
  beginImmediate(db);
  if (path !== ':memory:') attachGuard(db, path);
  return db;
}

// Two connections write the store at once (the device thread's and the import worker's). A
// DEFERRED transaction that reads before it writes — most do: a card's outcome reads the card,
// then updates it — cannot wait for the write lock: when it comes to write while the other
// connection holds the lock, or after it committed since the first read, SQLite refuses at once
// (SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT, the busy handler is not called) and the card's outcome is
// lost. So every transaction on a store connection begins IMMEDIATE: it takes the write lock
// first, waiting for it in the busy handler like a single statement does. (A nested call is a
// savepoint of the outer transaction, whatever its mode.)
function beginImmediate(db: Db): void {
  const make = db.transaction.bind(db);
  db.transaction = ((fn: Parameters<Db['transaction']>[0]) => {
    const t = make(fn);
    return Object.assign((...args: unknown[]) => t.immediate(...args), { default: t.immediate, deferred: t.deferred, immediate: t.immediate, exclusive: t.exclusive });
  }) as Db['transaction'];
}
