import { ANSWER, END_MARK, ESC, FS, STATUS, type Tracks } from './protocol';

// The answer to read ISO as the MSR605 programmer's manual defines it:
//   1B 73  1B 01 <t1>  1B 02 <t2>  1B 03 <t3>  3F 1C  1B <status>
// Each track is its data with start/end sentinels, or `1B 2B` (ESC '+') when the track holds
// nothing. A section with no bytes at all is taken as empty too (some firmware sends that).
// Anything else is refused with the answer's shape, so a broken answer can never pass as a
// blank card.

export const EMPTY_TRACK = 0x2b;
/** Longest sane answer: three full tracks with sentinels plus the framing. */
const MAX_ANSWER = 2 + 3 * (2 + 110) + 4;

export type ReadParse =
  | { kind: 'incomplete' }
  | { kind: 'bad'; why: string; end: number }
  | { kind: 'ok'; tracks: Tracks; status: number; end: number };

const printable = (b: number) => b >= 0x20 && b <= 0x7e;

/** Parses a read answer whose `1B 73` starts at `buf[at]`. */
export function parseReadAnswer(buf: Buffer, at: number): ReadParse {
  const tracks: Tracks = [null, null, null];
  let i = at + 2;
  const bad = (why: string, end = buf.length): ReadParse => ({ kind: 'bad', why, end });
  for (let n = 1; n <= 3; n++) {
    if (i + 2 > buf.length) return { kind: 'incomplete' };
    if (buf[i] !== ESC || buf[i + 1] !== n) return bad(`expected 1B 0${n} for track ${n}`);
    i += 2;
    if (i + 2 > buf.length) return { kind: 'incomplete' };
    if (buf[i] === ESC && buf[i + 1] === EMPTY_TRACK) {
      i += 2;
      continue;
    }
    const start = i;
    // Tracks 1 and 2 end at the next ESC; track 3 ends with the block's `3F 1C`.
    while (i < buf.length && printable(buf[i]) && !(n === 3 && buf[i] === END_MARK && buf[i + 1] === FS)) i++;
    if (i - at > MAX_ANSWER) return bad('longer than any read answer');
    if (i >= buf.length || (n === 3 && i + 1 >= buf.length)) return { kind: 'incomplete' };
    if (n < 3 && buf[i] !== ESC) return bad(`unexpected byte in track ${n}`, i + 1);
    if (n === 3 && buf[i] !== END_MARK) return bad('unexpected byte in track 3', i + 1);
    if (i > start) tracks[n - 1] = buf.toString('latin1', start, i);
  }
  if (i + 4 > buf.length) return { kind: 'incomplete' };
  if (buf[i] !== END_MARK || buf[i + 1] !== FS) return bad('expected the end mark 3F 1C after track 3', i + 2);
  if (buf[i + 2] !== ESC) return bad('expected 1B <status> after the data block', i + 3);
  return { kind: 'ok', tracks, status: buf[i + 3], end: i + 4 };
}

export function isReadBlockStart(buf: Buffer, i: number): boolean {
  return buf[i] === ESC && buf[i + 1] === ANSWER.dataBlock;
}

export const BARE_OK = 'status OK without a data block';
export const isOk = (status: number) => status === STATUS.ok;

/**
 * The shape of an answer for an error message: framing bytes in hex, runs of track characters
 * as a count (`<36 chars>`), so the message names what came without carrying card data.
 */
export function answerShape(buf: Buffer, max = 64): string {
  const out: string[] = [];
  let run = 0;
  const flush = () => {
    if (run) out.push(`<${run} char${run === 1 ? '' : 's'}>`);
    run = 0;
  };
  const hex = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');
  for (let i = 0; i < buf.length && out.length < max; i++) {
    const b = buf[i];
    const afterEsc = i > 0 && buf[i - 1] === ESC;
    const framing = !printable(b) || (afterEsc && (b < 0x30 || b === ANSWER.dataBlock || b === 0x41 || (b >= 0x30 && b <= 0x39))) || (b === END_MARK && buf[i + 1] === FS);
    if (framing) {
      flush();
      out.push(hex(b));
    } else run++;
  }
  flush();
  if (out.length >= max) out.push('…');
  return out.join(' ');
}
