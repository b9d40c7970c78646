// The per-chunk check of verify: framing, seq, link and hash of every entry of a chunk read as
// one row (chunkSql). Kept apart from the threads that run it so a worker module imports only this.

/**
 * Entries per chunk read for verify. A chunk's bytes (~270 KB here) are built by SQLite, copied
 * into a Buffer and hashed: at this size they are still in the core's cache when hashed, and with
 * 10,000 they were not (verify of 1M entries took a quarter longer, in either path).
 */
export const CHUNK = 1000;

/**
 * The query entriesIntact's input comes from: one row per chunk of up to CHUNK entries after a seq
 * (bound 1), in seq order — [count, min seq, max seq, byte lengths as a comma list, every canon
 * concatenated, the stored hashes concatenated]. With upTo, a second bound caps the seqs read.
 */
export function chunkSql(upTo: boolean): string {
  return `SELECT count(*), min(seq), max(seq), group_concat(octet_length(canon)), CAST(group_concat(canon, '') AS BLOB), group_concat(hash, '')
  FROM (SELECT seq, canon, hash FROM audit_chain WHERE seq > ?${upTo ? ' AND seq <= ?' : ''} ORDER BY seq LIMIT ${CHUNK})`;
}

/**
 * True when the canon bytes of a chunk of entries, in seq order from firstSeq, are each framed as
 * an entry (the tag, then a JSON array that starts with the entry's own seq and ends with its link
 * `,"<64 hex>"]`), each link is the hash before it (prevHash for the first), and each entry hashes
 * to its stored hash. Entry i is buf[sum of lengths before i ..) with the byte length lengths names
 * (a comma list); its stored hash is hashes[64i .. 64i+64).
 *
 * Run by verify on its own thread, by the hashing worker (chunk-hash.worker.ts) and by the range
 * workers (range-verify.worker.ts): one check, whichever thread runs it.
 */
export function entriesIntact(
  buf: Uint8Array, lengths: string, hashes: string, firstSeq: number, prevHash: string, tagBytes: number, hex: (b: Uint8Array) => string,
): boolean {
  const count = hashes.length / 64;
  // The links as bytes, 4 at a time (a per-byte loop cost a third of the hashing). Hashes are
  // ASCII hex; anything else is left to the walk.
  const expect = Buffer.from(prevHash + hashes, 'utf8');
  if (count < 1 || count % 1 !== 0 || expect.length !== (count + 1) * 64) return false;
  const bytes = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const links = new DataView(expect.buffer, expect.byteOffset, expect.byteLength);
  let digests = '';
  let pos = 0;
  let li = 0;
  for (let i = 0; i < count; i++) {
    let len = 0;
    for (let ch = lengths.charCodeAt(li++); ch >= 48 && ch <= 57; ch = lengths.charCodeAt(li++)) len = len * 10 + ch - 48;
    const end = pos + len;
    if (len < tagBytes + 70 || end > buf.length) return false;
    // `,"` link `"]` closes the array: the link is its last element, and it is the hash before.
    if (buf[end - 1] !== 0x5d || buf[end - 2] !== 0x22 || buf[end - 67] !== 0x22 || buf[end - 68] !== 0x2c) return false;
    for (let k = 0; k < 64; k += 4) if (bytes.getUint32(end - 66 + k) !== links.getUint32(i * 64 + k)) return false;
    // `[seq,` opens it: the entry's own seq, no leading zero.
    let p = pos + tagBytes;
    if (buf[p++] !== 0x5b || buf[p] === 0x30) return false;
    let seq = 0;
    let c = buf[p];
    for (; c >= 0x30 && c <= 0x39; c = buf[++p]) seq = seq * 10 + c - 0x30;
    if (c !== 0x2c || seq !== firstSeq + i) return false;
    // A plain view: Buffer#subarray costs a sixth of the hashing here.
    digests += hex(new Uint8Array(buf.buffer, buf.byteOffset + pos, len));
    pos = end;
  }
  // Each entry's hash, compared all at once (one compare per entry cost a quarter of the hashing).
  return digests === hashes && pos === buf.length && li >= lengths.length;
}
