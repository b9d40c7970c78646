// What audit_search keeps of an entry (schema v4): the head of its hashed bytes — the tag and the
// JSON array's first HEAD_ELEMENTS elements, seq … masked_pan, every column a filter reads — cut
// just before the comma that opens the message. The filter columns are generated from the head,
// so editing one means editing the head, and verify compares the head with the entry's bytes.
// The message, data and link (over half the bytes) are not copied: the text index covers the
// message, and the chain itself the rest.
//
// Why a byte-prefix with the comma after it proves the columns: the head's bytes are the entry's
// own up to the cut, and the table only decodes a head that is a complete array of exactly
// HEAD_ELEMENTS elements once closed (otherwise every column reads blank and ts reads 0, which
// verify looks for through the ts index). A JSON parser reads the same bytes the same way, so a
// head that closes there and is followed by a comma in the entry ended at the entry's twelfth
// element: its columns are the entry's.

export const HEAD_ELEMENTS = 12;

/**
 * The byte length of canon's head (from `start`, the canon's first byte), or -1 when the array
 * after the tag has fewer elements. Strings are skipped with their escapes; nested values count
 * as one element.
 */
export function headLength(buf: Uint8Array, start: number, end: number, tagBytes: number): number {
  let p = start + tagBytes;
  if (buf[p++] !== 0x5b) return -1;
  let depth = 0;
  let commas = 0;
  for (; p < end; p++) {
    const c = buf[p];
    if (c === 0x22) {
      // A string: to its closing quote, past escaped characters.
      for (p++; p < end && buf[p] !== 0x22; p++) if (buf[p] === 0x5c) p++;
    } else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (depth-- === 0) return -1;
    } else if (c === 0x2c && depth === 0 && ++commas === HEAD_ELEMENTS) return p - start;
  }
  return -1;
}

/**
 * The index (0-based) of the first entry of a chunk whose head is not its bytes' head, or -1
 * when all are. `buf`/`lengths` are the chunk's canons as chunkSql reads them; `heads`/
 * `headLengths` the search rows of the same entries, in seq order, read the same way. Equal
 * counts are the caller's check.
 */
export function firstWrongHead(buf: Uint8Array, lengths: string, heads: Uint8Array, headLengths: string, count: number): number {
  const canon = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const head = Buffer.from(heads.buffer, heads.byteOffset, heads.byteLength);
  let pos = 0;
  let hp = 0;
  let li = 0;
  let hi = 0;
  for (let i = 0; i < count; i++) {
    let len = 0;
    for (let ch = lengths.charCodeAt(li++); ch >= 48 && ch <= 57; ch = lengths.charCodeAt(li++)) len = len * 10 + ch - 48;
    let hl = 0;
    for (let ch = headLengths.charCodeAt(hi++); ch >= 48 && ch <= 57; ch = headLengths.charCodeAt(hi++)) hl = hl * 10 + ch - 48;
    if (hl >= len || hp + hl > head.length || canon[pos + hl] !== 0x2c || head.compare(canon, pos, pos + hl, hp, hp + hl) !== 0) return i;
    pos += len;
    hp += hl;
  }
  return hp === head.length ? -1 : count - 1;
}
