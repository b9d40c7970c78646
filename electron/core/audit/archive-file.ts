import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CHAIN_COLUMNS } from './chain';

// An archive file is gzipped JSON Lines, one entry a line with every chained column plus its
// hash, in seq order: readable with zcat and verifiable without the station.

export const ARCHIVE_COLUMNS = [...CHAIN_COLUMNS, 'hash'] as const;

/** Writes rows (arrays in ARCHIVE_COLUMNS order) atomically; returns the SHA-256 of the file. */
export function writeArchiveFile(path: string, rows: readonly unknown[][]): string {
  const text = rows.map((r) => JSON.stringify(Object.fromEntries(ARCHIVE_COLUMNS.map((c, i) => [c, r[i]])))).join('\n') + '\n';
  const bytes = gzipSync(text);
  const tmp = path + '.tmp';
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads an archive file back into rows in ARCHIVE_COLUMNS order. Throws on an unreadable file. */
export function readArchiveFile(path: string): { rows: unknown[][]; sha256: string } {
  const bytes = readFileSync(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const rows = gunzipSync(bytes)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length)
    .map((l) => {
      const o = JSON.parse(l) as Record<string, unknown>;
      return ARCHIVE_COLUMNS.map((c) => (o[c] === undefined ? null : o[c]));
    });
  return { rows, sha256 };
}
