// Bit-level encoding of ISO/IEC 7811 tracks. Track 1 uses a 6-bit code (ASCII 0x20–0x5F minus
// 0x20), tracks 2 and 3 a 4-bit code (ASCII 0x30–0x3F minus 0x30); every character carries an
// odd parity bit above its data bits. The LRC follows the end sentinel: each data-bit column
// over all characters (sentinels included) has an even number of ones, and the LRC's own
// parity bit is odd over the LRC character alone.

export type TrackNo = 1 | 2 | 3;

export interface TrackSpec {
  track: TrackNo;
  /** Data bits a character, parity excluded. */
  dataBits: 6 | 4;
  /** ASCII code of the character whose data bits are all zero. */
  base: number;
  start: string;
  end: string;
  separator: string;
  /** Maximum characters on the track, start sentinel, end sentinel and LRC included. */
  maxChars: number;
}

export const TRACK_SPECS: Record<TrackNo, TrackSpec> = {
  1: { track: 1, dataBits: 6, base: 0x20, start: '%', end: '?', separator: '^', maxChars: 79 },
  2: { track: 2, dataBits: 4, base: 0x30, start: ';', end: '?', separator: '=', maxChars: 40 },
  3: { track: 3, dataBits: 4, base: 0x30, start: ';', end: '?', separator: '=', maxChars: 107 },
};

/** Characters a track's data may hold between its sentinels (framing and separators excluded when `inField`). */
export function isTrackChar(track: TrackNo, ch: string, inField = false): boolean {
  if (ch.length !== 1) return false;
  const s = TRACK_SPECS[track];
  const c = ch.charCodeAt(0);
  if (c < s.base || c >= s.base + (1 << s.dataBits)) return false;
  if (inField && (ch === s.start || ch === s.end || ch === s.separator)) return false;
  return true;
}

/** Index of the first character that may not appear in a field of this track, or -1. */
export function firstInvalidChar(track: TrackNo, text: string, inField = true): number {
  for (let i = 0; i < text.length; i++) if (!isTrackChar(track, text[i], inField)) return i;
  return -1;
}

function popcount(x: number): number {
  let n = 0;
  for (; x; x >>= 1) n += x & 1;
  return n;
}

/** The odd-parity bit for a data value: 1 when the data bits hold an even number of ones. */
export function oddParityBit(value: number): 0 | 1 {
  return popcount(value) % 2 === 0 ? 1 : 0;
}

/** Data bits of a character (its code on the track), without parity. */
export function charValue(track: TrackNo, ch: string): number {
  if (!isTrackChar(track, ch)) throw new RangeError(`character code ${ch.charCodeAt(0)} is not in the track ${track} set`);
  return ch.charCodeAt(0) - TRACK_SPECS[track].base;
}

/** The encoded character: data bits with the odd parity bit as the most significant bit. */
export function encodeChar(track: TrackNo, ch: string): number {
  const v = charValue(track, ch);
  return v | (oddParityBit(v) << TRACK_SPECS[track].dataBits);
}

/** The encoded character as written on the stripe: least significant data bit first, parity last. */
export function encodedBits(track: TrackNo, ch: string): string {
  const e = encodeChar(track, ch);
  const n = TRACK_SPECS[track].dataBits + 1;
  let s = '';
  for (let i = 0; i < n; i++) s += (e >> i) & 1;
  return s;
}

export interface Lrc {
  /** The LRC as a track character (it may be any character of the set, even a sentinel). */
  char: string;
  /** Data bits of the LRC. */
  value: number;
  /** Encoded LRC: data bits with its own odd parity bit on top. */
  encoded: number;
}

/** LRC over a framed track, start sentinel through end sentinel. */
export function computeLrc(track: TrackNo, framed: string): Lrc {
  let x = 0;
  for (let i = 0; i < framed.length; i++) x ^= charValue(track, framed[i]);
  const s = TRACK_SPECS[track];
  return { char: String.fromCharCode(s.base + x), value: x, encoded: x | (oddParityBit(x) << s.dataBits) };
}

/** The whole track as on the stripe: start sentinel, data, end sentinel, LRC. */
export function frameTrack(track: TrackNo, data: string): string {
  const s = TRACK_SPECS[track];
  const framed = s.start + data + s.end;
  return framed + computeLrc(track, framed).char;
}

/** Removes the start and end sentinels (and an LRC after the end sentinel) if present. */
export function stripFraming(track: TrackNo, text: string): string {
  const s = TRACK_SPECS[track];
  let t = text;
  if (t.startsWith(s.start)) t = t.slice(1);
  const end = t.indexOf(s.end);
  if (end >= 0) t = t.slice(0, end);
  return t;
}
