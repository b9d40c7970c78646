import { chmodSync, closeSync, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// The data directory holds the password hashes, the log, the sealed records and their key: no
// other local user may read any of it. On Linux and macOS the directory (and each directory in it)
// is 0700 and every file 0600, set explicitly at creation (the umask cannot widen it) and checked
// at every start: a wider mode is narrowed and reported, and one that cannot be narrowed (a file
// of another owner) stops the start. Windows has no such modes: there the directory's ACL is what
// protects it (docs/security.md).

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export interface PermissionRepair {
  path: string;
  was: number;
  now: number;
}

export class DataDirPermissionError extends Error {
  constructor(readonly path: string, readonly mode: number, cause: Error) {
    super(`${path} is readable by other users (mode ${mode.toString(8)}) and its mode cannot be changed to ${(lstatSync(path).isDirectory() ? DIR_MODE : FILE_MODE).toString(8)}: ${cause.message}; fix its owner or mode, then start again`);
    this.name = 'DataDirPermissionError';
  }
}

const checked = process.platform !== 'win32';

/** Creates the directory 0700 if missing (whatever the umask); an existing one is securePermissions' to check and report. */
export function makePrivateDir(dir: string): void {
  if (mkdirSync(dir, { recursive: true, mode: DIR_MODE }) !== undefined && checked) chmodSync(dir, DIR_MODE);
}

/** Creates an empty file 0600 if missing (whatever the umask), so whatever opens it next keeps that mode. */
export function makePrivateFile(path: string): void {
  if (!checked) return;
  const fd = openSync(path, 'a', FILE_MODE);
  try {
    fchmodSync(fd, FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/**
 * Narrows the directory tree to 0700/0600 and returns what it changed; throws
 * DataDirPermissionError when a mode open to others cannot be narrowed. Symbolic links are left
 * alone (their mode means nothing; what they point to is not ours to change).
 */
export function securePermissions(dir: string): PermissionRepair[] {
  const repairs: PermissionRepair[] = [];
  if (!checked) return repairs;
  const visit = (path: string, isDir: boolean) => {
    const was = lstatSync(path).mode & 0o777;
    const want = isDir ? DIR_MODE : FILE_MODE;
    if ((was & 0o077) !== 0 || (was & want) !== want) {
      try {
        chmodSync(path, want);
      } catch (e) {
        if ((was & 0o077) !== 0) throw new DataDirPermissionError(path, was, e as Error);
      }
      repairs.push({ path, was, now: want });
    }
    if (!isDir) return;
    for (const d of readdirSync(path, { withFileTypes: true })) {
      if (d.isDirectory()) visit(join(path, d.name), true);
      else if (d.isFile()) visit(join(path, d.name), false);
    }
  };
  visit(dir, true);
  return repairs;
}
