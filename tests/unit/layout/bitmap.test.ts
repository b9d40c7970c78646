import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bitmapFromRows, bitmapPixel, decodeBitmap, encodeBitmap, type Bitmap } from '../../../shared/layout/bitmap';

test('bits1 encoding is the PBM P4 raster in base64 (known bytes)', () => {
  // 10 × 2: row 0 = 1000000001 → bytes 0x80 0x40; row 1 = 0111111110 → 0x7F 0x80.
  const s = bitmapFromRows(['#........#', '.########.']);
  assert.equal(s, 'bits1:10x2:gEB/gA==');
  const b = decodeBitmap(s) as Bitmap;
  assert.deepEqual([...b.data], [0x80, 0x40, 0x7f, 0x80]);
  assert.equal(bitmapPixel(b, 0, 0), true);
  assert.equal(bitmapPixel(b, 1, 0), false);
  assert.equal(bitmapPixel(b, 9, 0), true);
  assert.equal(bitmapPixel(b, 0, 1), false);
  assert.equal(bitmapPixel(b, 8, 1), true);
});

test('encode and decode round-trip, padding optional', () => {
  const data = new Uint8Array(3 * 5).map((_, i) => (i * 37) & 0xff);
  const s = encodeBitmap({ width: 20, height: 5, data });
  const back = decodeBitmap(s) as Bitmap;
  assert.deepEqual([...back.data], [...data]);
  assert.deepEqual([...(decodeBitmap(s.replace(/=+$/, '')) as Bitmap).data], [...data]);
});

test('bad encodings are refused with a reason that does not echo the data', () => {
  const msg = (s: string) => (decodeBitmap(s) as { error: string }).error;
  assert.match(msg('P4 10 2 xx'), /not a 1-bit graphic/);
  assert.match(msg('bits1:0x2:'), /1 to 2048 pixels/);
  assert.match(msg('bits1:10x2:gEB/'), /holds 3 bytes of pixels, 10x2 needs 4/);
  assert.match(msg('bits1:8x1:A'), /invalid base64/);
});
