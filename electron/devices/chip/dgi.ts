// EMV CPS data grouping identifiers (DGIs) as STORE DATA carries them: DGI (2 bytes) |
// length (1 byte, or FF + 2 bytes from 255 bytes on) | data. A DGI longer than one command
// can carry continues in the next STORE DATA block.

/** STORE DATA P1 bits (GP Card Spec 11.11.2.1). */
export const STORE_P1 = {
  LAST_BLOCK: 0x80,
  /** b7b6 = 11: the data is encrypted (here, by the issuer's data preparation). */
  ENCRYPTED: 0x60,
  /** b5b4 = 01: DGI format. */
  DGI_FORMAT: 0x08,
} as const;

export function dgiHeader(tag: number, length: number): Buffer {
  if (length > 0xffff) throw new Error(`DGI of ${length} bytes is longer than 65535`);
  return length < 0xff ? Buffer.from([tag >> 8, tag & 0xff, length]) : Buffer.from([tag >> 8, tag & 0xff, 0xff, length >> 8, length & 0xff]);
}

export interface DgiBlock {
  p1: number;
  /** DGI whose data starts or continues in this block (for messages). */
  dgi: string;
  data: Buffer;
}

export interface DgiInput {
  dgi: string;
  data: Buffer;
  encrypted: boolean;
}

/**
 * Lays DGIs out as STORE DATA blocks of at most `capacity` data bytes. Each DGI starts a new
 * block, so a block never mixes encrypted and clear data (P1 speaks for the whole block); the
 * last block of the last DGI carries the last-block flag. Block numbers (P2) are the indexes.
 */
export function planStoreData(dgis: DgiInput[], capacity: number): DgiBlock[] {
  const blocks: DgiBlock[] = [];
  for (const d of dgis) {
    const tag = parseInt(d.dgi, 16);
    const stream = Buffer.concat([dgiHeader(tag, d.data.length), d.data]);
    const p1 = STORE_P1.DGI_FORMAT | (d.encrypted ? STORE_P1.ENCRYPTED : 0);
    for (let off = 0; off < stream.length; off += capacity) {
      blocks.push({ p1, dgi: d.dgi.toUpperCase(), data: stream.subarray(off, off + capacity) });
    }
  }
  if (blocks.length) blocks[blocks.length - 1].p1 |= STORE_P1.LAST_BLOCK;
  return blocks;
}

/** Reads one DGI header at `off`: null when more bytes are needed. */
export function readDgiHeader(buf: Buffer, off: number): { tag: number; length: number; headerLength: number } | null {
  if (buf.length - off < 3) return null;
  const tag = buf.readUInt16BE(off);
  if (buf[off + 2] !== 0xff) return { tag, length: buf[off + 2], headerLength: 3 };
  if (buf.length - off < 5) return null;
  return { tag, length: buf.readUInt16BE(off + 3), headerLength: 5 };
}
