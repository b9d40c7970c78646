import { ANSWER, ESC, STATUS_BYTES, type Tracks } from './protocol';
import { BARE_OK, answerShape, isOk, parseReadAnswer } from './read-answer';

// Recognizers for the encoder's answers in a receive buffer that may hold them in pieces and
// after stray bytes (line noise, a late answer to a command that timed out). Each scans for
// the first ESC that starts a well-formed answer and skips whatever cannot be one.

export type Scan<T> = { found: true; value: T; end: number } | { found: false; keepFrom: number };
type Try<T> = (buf: Buffer, i: number) => 'incomplete' | 'no' | { value: T; end: number };

function scan<T>(buf: Buffer, attempt: Try<T>): Scan<T> {
  for (let i = buf.indexOf(ESC); i >= 0; i = buf.indexOf(ESC, i + 1)) {
    const r = attempt(buf, i);
    if (r === 'incomplete') return { found: false, keepFrom: i };
    if (r !== 'no') return { found: true, value: r.value, end: r.end };
  }
  return { found: false, keepFrom: buf.length };
}

/** `1B <status>`: one of the status bytes (erase failure `41` included). */
export function scanStatus(buf: Buffer): Scan<number> {
  return scan(buf, (b, i) => {
    if (i + 1 >= b.length) return 'incomplete';
    return STATUS_BYTES.has(b[i + 1]) ? { value: b[i + 1], end: i + 2 } : 'no';
  });
}

/** `1B <x>` for one of the given second bytes (communication test, coercivity). */
export function scanAnswer(buf: Buffer, accepted: readonly number[]): Scan<number> {
  return scan(buf, (b, i) => {
    if (i + 1 >= b.length) return 'incomplete';
    return accepted.includes(b[i + 1]) ? { value: b[i + 1], end: i + 2 } : 'no';
  });
}

export type ReadAnswer = { tracks: Tracks; status: number } | { unparsed: string };

/**
 * A read answer (see read-answer.ts). A bare non-OK status is an answer too (the encoder refused
 * before reading); a broken block or a bare OK is returned as `unparsed` with the bytes' shape.
 */
export function scanReadAnswer(buf: Buffer): Scan<ReadAnswer> {
  return scan(buf, (b, i) => {
    if (i + 1 >= b.length) return 'incomplete';
    const second = b[i + 1];
    if (second !== ANSWER.dataBlock) {
      if (!STATUS_BYTES.has(second)) return 'no';
      const value = isOk(second) ? { unparsed: `${BARE_OK} (${answerShape(b.subarray(i, i + 2))})` } : { tracks: [null, null, null] as Tracks, status: second };
      return { value, end: i + 2 };
    }
    const r = parseReadAnswer(b, i);
    if (r.kind === 'incomplete') return 'incomplete';
    if (r.kind === 'bad') return { value: { unparsed: `${r.why} (${answerShape(b.subarray(i))})` }, end: b.length };
    return { value: { tracks: r.tracks, status: r.status }, end: r.end };
  });
}
