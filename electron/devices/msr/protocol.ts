// The MSR206/MSR605 command set (serial, 9600 8N1), the subset the station uses. Shared by the
// driver and the emulator (electron/sim/msr) so both speak the same bytes.
//
// Track data inside a data block travels without sentinels and LRC: the encoder adds them on
// write. On read some firmware returns them; the driver strips them (see readBlock parsing).

export const ESC = 0x1b;
export const FS = 0x1c;
export const END_MARK = 0x3f; // `?` before FS closes a data block

export const CMD = {
  reset: 0x61,
  commTest: 0x65,
  readIso: 0x72,
  writeIso: 0x77,
  erase: 0x63,
  setHiCo: 0x78,
  setLoCo: 0x79,
  getCoercivity: 0x64,
  setDensity: 0x62,
  model: 0x74,
  firmware: 0x76,
  rawRead: 0x6d,
  rawWrite: 0x6e,
} as const;

/** Byte after ESC in answers. */
export const ANSWER = {
  commTestOk: 0x79,
  dataBlock: 0x73,
  hiCo: 0x48,
  loCo: 0x4c,
  eraseFail: 0x41,
} as const;

export const STATUS = {
  ok: 0x30,
  readWriteError: 0x31,
  commandFormatError: 0x32,
  invalidCommand: 0x34,
  invalidSwipe: 0x39,
} as const;

/** Every byte that may follow ESC as a status (erase failure included). */
export const STATUS_BYTES: ReadonlySet<number> = new Set([0x30, 0x31, 0x32, 0x34, 0x39, ANSWER.eraseFail]);

export type Tracks = [string | null, string | null, string | null];

export function command(code: number, ...args: number[]): Buffer {
  return Buffer.from([ESC, code, ...args]);
}

/** `1B 73 1B 01 <t1> 1B 02 <t2> 1B 03 <t3> 3F 1C`; a null or empty track is left as it is by a write. */
export function dataBlock(tracks: Tracks): Buffer {
  const parts: Buffer[] = [Buffer.from([ESC, ANSWER.dataBlock])];
  tracks.forEach((t, i) => {
    parts.push(Buffer.from([ESC, i + 1]));
    if (t) parts.push(Buffer.from(t, 'latin1'));
  });
  parts.push(Buffer.from([END_MARK, FS]));
  return Buffer.concat(parts);
}

export function writeCommand(tracks: Tracks): Buffer {
  return Buffer.concat([command(CMD.writeIso), dataBlock(tracks)]);
}

/** Erase select byte: `00` track 1, `02` track 2, `04` track 3, bits OR-ed for several (`07` all). */
export function eraseSelect(tracks: readonly (1 | 2 | 3)[]): number {
  let s = 0;
  if (tracks.includes(1)) s |= 1;
  if (tracks.includes(2)) s |= 2;
  if (tracks.includes(3)) s |= 4;
  return s === 1 ? 0 : s;
}

export function eraseTracksOf(select: number): (1 | 2 | 3)[] | null {
  if (select === 0) return [1];
  if (select > 7) return null;
  const out: (1 | 2 | 3)[] = [];
  if (select & 1) out.push(1);
  if (select & 2) out.push(2);
  if (select & 4) out.push(3);
  return out.length ? out : null;
}

export type BlockParse = { kind: 'incomplete' } | { kind: 'bad' } | { kind: 'ok'; tracks: Tracks; length: number };

/**
 * Parses a data block starting at `buf[at]` (which must be `1B 73`). Track sections may be
 * missing (then null). Returns how many bytes it used, or that more bytes are needed, or
 * that the bytes cannot be a block.
 */
export function parseDataBlock(buf: Buffer, at = 0): BlockParse {
  if (buf.length - at < 2) return { kind: 'incomplete' };
  if (buf[at] !== ESC || buf[at + 1] !== ANSWER.dataBlock) return { kind: 'bad' };
  const tracks: Tracks = [null, null, null];
  let i = at + 2;
  let current = -1;
  let start = i;
  const close = (end: number) => {
    if (current >= 0) tracks[current] = buf.toString('latin1', start, end);
  };
  while (i < buf.length) {
    const b = buf[i];
    if (b === END_MARK && i + 1 < buf.length && buf[i + 1] === FS) {
      close(i);
      return { kind: 'ok', tracks, length: i + 2 - at };
    }
    if (b === END_MARK && i + 1 === buf.length) return { kind: 'incomplete' };
    if (b === ESC) {
      if (i + 1 >= buf.length) return { kind: 'incomplete' };
      const n = buf[i + 1];
      if (n < 1 || n > 3) return { kind: 'bad' };
      close(i);
      current = n - 1;
      i += 2;
      start = i;
      continue;
    }
    if (b < 0x20 || b > 0x7e) return { kind: 'bad' };
    i++;
  }
  return { kind: 'incomplete' };
}
