// The 1-bit graphic encoding used by laser graphics (a record's `graphic` or a literal logo):
//
//   bits1:<width>x<height>:<base64>
//
// The payload is the PBM P4 raster: rows top to bottom, each row ceil(width/8) bytes, the most
// significant bit the leftmost pixel, 1 = burn, padding bits 0. Standard base64 (RFC 4648, `=`
// padding optional). No Node Buffer or DOM atob: this runs in the renderer and in Node.

export const MAX_BITMAP_SIDE = 2048;

export interface Bitmap {
  width: number;
  height: number;
  /** Packed rows as described above. */
  data: Uint8Array;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_INDEX[B64.charCodeAt(i)] = i;

export function rowBytes(width: number): number {
  return (width + 7) >> 3;
}

export function bitmapPixel(b: Bitmap, x: number, y: number): boolean {
  return ((b.data[y * rowBytes(b.width) + (x >> 3)] >> (7 - (x & 7))) & 1) === 1;
}

function base64Decode(s: string): Uint8Array | null {
  const clean = s.replace(/=+$/, '');
  if (clean.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c] : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

function base64Encode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    s += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    s += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return s;
}

/** Decodes the encoding; on failure returns a message that names the defect, never the data. */
export function decodeBitmap(text: string): Bitmap | { error: string } {
  const m = /^bits1:(\d{1,5})x(\d{1,5}):([A-Za-z0-9+/]*={0,2})$/.exec(text);
  if (!m) return { error: 'is not a 1-bit graphic ("bits1:<width>x<height>:<base64>")' };
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 1 || height < 1 || width > MAX_BITMAP_SIDE || height > MAX_BITMAP_SIDE)
    return { error: `must be 1 to ${MAX_BITMAP_SIDE} pixels wide and high` };
  const data = base64Decode(m[3]);
  if (!data) return { error: 'has an invalid base64 payload' };
  const need = rowBytes(width) * height;
  if (data.length !== need) return { error: `holds ${data.length} bytes of pixels, ${width}x${height} needs ${need}` };
  return { width, height, data };
}

export function encodeBitmap(b: Bitmap): string {
  return `bits1:${b.width}x${b.height}:${base64Encode(b.data)}`;
}

/** Builds the encoding from rows of text, '#' (or '1') burning a pixel: handy for small logos. */
export function bitmapFromRows(rows: readonly string[]): string {
  const width = Math.max(...rows.map((r) => r.length));
  const rb = rowBytes(width);
  const data = new Uint8Array(rb * rows.length);
  rows.forEach((r, y) => {
    for (let x = 0; x < r.length; x++) if (r[x] === '#' || r[x] === '1') data[y * rb + (x >> 3)] |= 0x80 >> (x & 7);
  });
  return encodeBitmap({ width, height: rows.length, data });
}
