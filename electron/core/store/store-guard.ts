import type { Database } from 'better-sqlite3';
import { statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

// What the store can do about the disk under it. Two faults end the line in a clear state instead
// of a stack trace:
// - DISK_FULL: a write failed with SQLITE_FULL/ENOSPC, or a card outcome left less than the
//   reserve free. Every write runs in a transaction, so a failed one leaves nothing behind; the
//   station pauses the line, keeps its log entries in memory, and the fault clears by itself
//   once the reserve is free again (polled), when the held entries are written.
// - WAL_LOST: the -wal file the store writes to was removed or replaced. SQLite goes on writing
//   into the unlinked file, so a commit would be lost at the next crash: a card's outcome is
//   refused (its transaction rolls back) and never reported done, what was committed so far is
//   checkpointed into the database file, and the station must be restarted.

export type StoreFaultKind = 'DISK_FULL' | 'WAL_LOST';

export class StoreFaultError extends Error {
  constructor(readonly kind: StoreFaultKind, message: string) {
    super(message);
    this.name = 'StoreFaultError';
  }
}

/** Free space below which the line is paused (about a thousand cards of store and log). */
export const RESERVE_BYTES = 4 * 1024 * 1024;
const POLL_MS = 1000;
const MB = 1024 * 1024;

type Listener = (fault: StoreFaultError | null) => void;

export class StoreGuard {
  private current: StoreFaultError | null = null;
  private walIno: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<Listener>();
  readonly dir: string;

  constructor(readonly db: Database, readonly path: string, readonly reserveBytes = RESERVE_BYTES) {
    this.dir = dirname(path);
    this.walIno = this.walInode();
  }

  /** The standing fault, null when the store is healthy. */
  fault(): StoreFaultError | null {
    return this.current;
  }

  /** Called when a fault is raised and when it clears (null). */
  onChange(cb: Listener): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  freeBytes(): number {
    try {
      const s = statfsSync(this.dir);
      return Number(s.bavail) * Number(s.bsize);
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  }

  /** The clear fault an error thrown by the store stands for (and raises it), or null for any other error. */
  classify(e: unknown): StoreFaultError | null {
    if (e instanceof StoreFaultError) return e;
    const code = (e as { code?: unknown } | null)?.code;
    if (code === 'SQLITE_FULL' || code === 'ENOSPC') return this.raise('DISK_FULL');
    return null;
  }

  /** After a card outcome: less than the reserve left raises DISK_FULL before a write fails. */
  checkSpace(): StoreFaultError | null {
    if (this.current) return this.current;
    return this.freeBytes() < this.reserveBytes ? this.raise('DISK_FULL') : null;
  }

  /**
   * Before a card's outcome commits: throws WAL_LOST when the -wal file the store writes to is
   * gone or another file, so the outcome rolls back instead of being reported on a write that a
   * crash would lose.
   */
  assertDurable(): void {
    if (this.current?.kind === 'WAL_LOST') throw this.current;
    const ino = this.walInode();
    if (this.walIno == null) this.walIno = ino;
    if (ino == null || ino !== this.walIno) throw this.raise('WAL_LOST');
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private raise(kind: StoreFaultKind): StoreFaultError {
    if (this.current?.kind === 'WAL_LOST') return this.current;
    if (kind === 'DISK_FULL') {
      const needed = Math.max(1, Math.ceil((this.reserveBytes - Math.min(this.freeBytes(), this.reserveBytes)) / MB));
      this.current = new StoreFaultError(kind, `the station's disk is full: ${needed} MB free needed in ${this.dir}; free space there, then resume the line`);
      this.poll();
    } else {
      this.current = new StoreFaultError(kind, `the store's write-ahead log ${this.path}-wal was removed or replaced while the station ran: card outcomes can no longer be recorded durably; the line is paused, restart the station`);
      // What was committed is still in the unlinked file this connection holds: copy it into the
      // database file as soon as the transaction that found the loss has rolled back.
      const checkpoint = () => {
        if (!this.db.open) return;
        if (this.db.inTransaction) return void setImmediate(checkpoint);
        try {
          this.db.pragma('wal_checkpoint(TRUNCATE)');
        } catch {
          /* the restart's recovery sorts out what could not be copied */
        }
      };
      queueMicrotask(checkpoint);
    }
    this.emit();
    return this.current;
  }

  private poll(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.current?.kind !== 'DISK_FULL' || this.freeBytes() < this.reserveBytes) return;
      clearInterval(this.timer!);
      this.timer = null;
      this.current = null;
      this.emit();
    }, POLL_MS);
    this.timer.unref();
  }

  private emit(): void {
    // Off the caller's stack: a fault found inside a transaction is acted on once it has rolled back.
    const fault = this.current;
    queueMicrotask(() => this.notify(fault));
  }

  private notify(fault: StoreFaultError | null): void {
    if (fault !== this.current) return;
    for (const l of this.listeners) {
      try {
        l(fault);
      } catch {
        // A listener failing must not hide the fault from the others.
      }
    }
  }

  private walInode(): number | null {
    if (this.db.memory) return 0;
    try {
      return statSync(this.path + '-wal').ino;
    } catch {
      return null;
    }
  }
}

const guards = new WeakMap<Database, StoreGuard>();

/** The guard of a database opened with openDatabase (none for one opened otherwise). */
export function guardOf(db: Database): StoreGuard | undefined {
  return guards.get(db);
}

export function attachGuard(db: Database, path: string): StoreGuard {
  const g = new StoreGuard(db, path);
  guards.set(db, g);
  return g;
}
