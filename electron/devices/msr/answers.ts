import { ANSWER, ESC, STATUS_BYTES, parseDataBlock, type Tracks } from './protocol';

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

export interface ReadAnswer {
  tracks: Tracks;
  status: number;
}

/** A read answer: data block then `1B <status>`; a bare status (no block) is an answer too. */
export function scanReadAnswer(buf: Buffer): Scan<ReadAnswer> {
  return scan(buf, (b, i) => {
    if (i + 1 >= b.length) return 'incomplete';
    const second = b[i + 1];
    if (second !== ANSWER.dataBlock) return STATUS_BYTES.has(second) ? { value: { tracks: [null, null, null], status: second }, end: i + 2 } : 'no';
    const block = parseDataBlock(b, i);
    if (block.kind === 'incomplete') return 'incomplete';
    if (block.kind === 'bad') return 'no';
    const st = scanStatus(b.subarray(i + block.length));
    if (!st.found) return 'incomplete';
    return { value: { tracks: block.tracks, status: st.value }, end: i + block.length + st.end };
  });
}
