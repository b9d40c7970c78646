// The MSR605/MSR206 serial protocol as its programmer's manual defines it (names as in libmsr's
// msr206.h), written for the emulator on its own: it shares no framing code with the driver
// (electron/devices/msr), so a framing mistake on one side shows in the other's tests.

export const ESC = 0x1b;
export const FS = 0x1c;

/** Second byte of each command (`1B <code>`). */
export const OP = {
  reset: 0x61, // no response
  readIso: 0x72,
  writeIso: 0x77,
  rawRead: 0x6d,
  rawWrite: 0x6e,
  commTest: 0x65,
  sensorTest: 0x86, // answers 1B 30 once a card is swiped; a reset interrupts it
  ramTest: 0x87, // 1B 30 ok, 1B 41 fail
  setLeadingZeros: 0x7a,
  checkLeadingZeros: 0x6c,
  erase: 0x63,
  setBpi: 0x62,
  setBpc: 0x6f,
  model: 0x74,
  firmware: 0x76,
  setHiCo: 0x78,
  setLoCo: 0x79,
  getCo: 0x64,
} as const;

/** LED commands (all off, all on, green, yellow, red): the manual gives them no response. */
export const LED_OPS: ReadonlySet<number> = new Set([0x81, 0x82, 0x83, 0x84, 0x85]);

/** How many bytes a command takes, ESC included (the write data block is extra). */
export function commandLength(op: number): number {
  if (op === OP.erase || op === OP.setBpi) return 3;
  if (op === OP.setLeadingZeros) return 4;
  if (op === OP.setBpc) return 5;
  return 2;
}

export const ST = { ok: 0x30, rwError: 0x31, formatError: 0x32, badCommand: 0x34, badSwipe: 0x39, fail: 0x41 } as const;
export const COMM_OK = 0x79; // 'y'
export const HI = 0x48; // 'H'
export const LO = 0x4c; // 'L'
/** ESC '+' in place of a track's data: the track holds nothing (libmsr MSR_RW_EMPTY). */
export const EMPTY = 0x2b;
const BLOCK = 0x73; // 's'
const END = 0x3f; // '?'

const SENTINELS: readonly [string, string][] = [
  ['%', '?'],
  [';', '?'],
  [';', '?'],
];

export type EmuTracks = [string | null, string | null, string | null];

/**
 * The read answer: `1B 73 1B 01 %t1? 1B 02 ;t2? 1B 03 ;t3? 3F 1C 1B <status>`, each empty track
 * as `1B 2B`. Stored tracks are kept without sentinels (as written); the read adds them.
 */
export function readAnswer(tracks: EmuTracks, status: number): Buffer {
  const out: number[] = [ESC, BLOCK];
  tracks.forEach((t, i) => {
    out.push(ESC, i + 1);
    if (t) out.push(...Buffer.from(SENTINELS[i][0] + t + SENTINELS[i][1], 'latin1'));
    else out.push(ESC, EMPTY);
  });
  out.push(END, FS, ESC, status);
  return Buffer.from(out);
}

export type WriteBlock = { kind: 'incomplete' } | { kind: 'bad'; used: number } | { kind: 'ok'; tracks: EmuTracks; used: number };

/**
 * The data block of write ISO, starting at `buf[at]`: `1B 73 [1B 01 d1] [1B 02 d2] [1B 03 d3] 3F 1C`.
 * Data travels without sentinels (the encoder adds them); a missing or empty section leaves that
 * track as it is.
 */
export function parseWriteBlock(buf: Buffer, at: number): WriteBlock {
  if (buf.length < at + 2) return { kind: 'incomplete' };
  if (buf[at] !== ESC || buf[at + 1] !== BLOCK) return { kind: 'bad', used: buf.length };
  const tracks: EmuTracks = [null, null, null];
  let track = -1;
  let from = at + 2;
  for (let i = at + 2; i < buf.length; i++) {
    const b = buf[i];
    const close = () => {
      if (track >= 0 && i > from) tracks[track] = buf.toString('latin1', from, i);
    };
    if (b === END) {
      if (i + 1 >= buf.length) return { kind: 'incomplete' };
      if (buf[i + 1] === FS) {
        close();
        return { kind: 'ok', tracks, used: i + 2 };
      }
    }
    if (b === ESC) {
      if (i + 1 >= buf.length) return { kind: 'incomplete' };
      const n = buf[i + 1];
      if (n < 1 || n > 3 || n <= track + 1) return { kind: 'bad', used: buf.length };
      close();
      track = n - 1;
      from = i + 2;
      i++;
      continue;
    }
    if (b < 0x20 || b > 0x7e) return { kind: 'bad', used: buf.length };
  }
  return { kind: 'incomplete' };
}

/** Erase select: 00 track 1, bit 1 track 2, bit 2 track 3 (07 all); null when impossible. */
export function eraseTracks(select: number): (1 | 2 | 3)[] | null {
  if (select === 0) return [1];
  if (select > 7) return null;
  const out: (1 | 2 | 3)[] = [];
  if (select & 1) out.push(1);
  if (select & 2) out.push(2);
  if (select & 4) out.push(3);
  return out;
}
