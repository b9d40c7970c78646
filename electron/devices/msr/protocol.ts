// The MSR206/MSR605 command set (serial, 9600 8N1), the subset the station uses, for the driver
// only: the emulator (electron/sim/msr/manual.ts) is written from the manual on its own.
//
// Track data inside a write data block travels without sentinels and LRC: the encoder adds
// them. A read answer carries them (read-answer.ts parses it; the driver strips them).

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
