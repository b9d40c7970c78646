import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

// Reads another process's memory (root, or ptrace rights over it) through /proc/PID/maps and
// /proc/PID/mem, region by region, and counts where each needle occurs. Unreadable pages (guard
// pages, device mappings) are skipped a chunk at a time.

const CHUNK = 1 << 20;

export function countInMemory(pid: number, needles: Buffer[]): { hits: number[]; bytes: number; where: string[] } {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n');
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  const hits = needles.map(() => 0);
  const overlap = Math.max(...needles.map((n) => n.length)) - 1;
  const buf = Buffer.alloc(CHUNK + overlap);
  let bytes = 0;
  const where: string[] = [];
  try {
    for (const line of maps) {
      const [range, perms, , , , path = ''] = line.split(/\s+/);
      if (perms[0] !== 'r' || path === '[vvar]' || path === '[vsyscall]') continue;
      const [lo, hi] = range.split('-').map((h) => BigInt(`0x${h}`));
      let carry = 0;
      for (let at = lo; at < hi; at += BigInt(CHUNK)) {
        const len = Number(hi - at < BigInt(CHUNK) ? hi - at : BigInt(CHUNK));
        let got = 0;
        try {
          got = readSync(fd, buf, carry, len, at);
        } catch {
          carry = 0;
          continue;
        }
        bytes += got;
        const view = buf.subarray(0, carry + got);
        needles.forEach((n, i) => {
          for (let p = view.indexOf(n); p !== -1; p = view.indexOf(n, p + 1)) {
            hits[i]++;
            if (where.length < 20) where.push(`needle ${i} at ${(at - BigInt(carry) + BigInt(p)).toString(16)} in ${line.trim()}`);
          }
        });
        carry = Math.min(overlap, view.length);
        view.copy(buf, 0, view.length - carry);
      }
    }
  } finally {
    closeSync(fd);
  }
  return { hits, bytes, where };
}

/** A secret as the bytes themselves and as hex text in either case (ASCII and UTF-16). */
export function renderings(secret: Buffer): Buffer[] {
  const lo = secret.toString('hex');
  const up = lo.toUpperCase();
  return [secret, Buffer.from(lo, 'latin1'), Buffer.from(up, 'latin1'), Buffer.from(lo, 'utf16le'), Buffer.from(up, 'utf16le')];
}
