// Minimal BER-TLV reading for the few answers the station inspects (READ RECORD, GET STATUS).

export interface Tlv {
  tag: number;
  constructed: boolean;
  value: Buffer;
}

/** Parses a run of TLVs; null when the bytes are not well-formed BER-TLV. */
export function parseTlvs(buf: Buffer): Tlv[] | null {
  const out: Tlv[] = [];
  let i = 0;
  while (i < buf.length) {
    if (buf[i] === 0x00 || buf[i] === 0xff) {
      i++; // padding between objects
      continue;
    }
    const first = buf[i++];
    let tag = first;
    if ((first & 0x1f) === 0x1f) {
      do {
        if (i >= buf.length) return null;
        tag = tag * 256 + buf[i];
      } while (buf[i++] & 0x80);
    }
    if (i >= buf.length) return null;
    let len = buf[i++];
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || i + n > buf.length) return null;
      len = buf.readUIntBE(i, n);
      i += n;
    }
    if (i + len > buf.length) return null;
    out.push({ tag, constructed: (first & 0x20) !== 0, value: buf.subarray(i, i + len) });
    i += len;
  }
  return out;
}

/** Depth-first search for a tag in TLVs and inside constructed ones. */
export function findTag(buf: Buffer, tag: number): Buffer | null {
  const list = parseTlvs(buf);
  if (!list) return null;
  for (const t of list) {
    if (t.tag === tag) return t.value;
    if (t.constructed) {
      const inner = findTag(t.value, tag);
      if (inner) return inner;
    }
  }
  return null;
}

export function encodeTlv(tag: number, value: Buffer): Buffer {
  const tagBytes = tag > 0xffff ? 3 : tag > 0xff ? 2 : 1;
  const t = Buffer.alloc(tagBytes);
  t.writeUIntBE(tag, 0, tagBytes);
  const n = value.length;
  const l = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([t, l, value]);
}
