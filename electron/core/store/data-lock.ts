import { openSync, writeSync, closeSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir } from './data-perms';

// One station per data directory: a second process opening the same store would run recovery on
// the first one's cards in flight. The lock holds the owner's pid; a lock whose process is gone
// (a crash, a power cut) is taken over.
export class DataDirLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`the station is already running on ${dir} (process ${pid}); stop it first, or use a command that only reads (logs, audit verify)`);
    this.name = 'DataDirLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dir: string): () => void {
  makePrivateDir(dir);
  const path = join(dir, 'station.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (pid && pid !== process.pid && alive(pid)) throw new DataDirLockedError(dir, pid);
      unlinkSync(path);
    }
  }
  throw new Error(`cannot take the lock ${path}`);
}
