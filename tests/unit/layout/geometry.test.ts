import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CARD, CHIP_CONTACT_AREA, CHIP_KEEP_OUT, CHIP_PADS, ID_LINE, NAME_AREA, SIGNATURE_PANEL,
  boxOnCard, fromTop, mirrorBox, mirrorX, stripeBand,
} from '../../../shared/layout/geometry';
import { EMBOSS_FONTS, firstMissingChar } from '../../../shared/layout/emboss-fonts';
import { STROKE_CHARSET, STROKE_GRID, strokeGlyph } from '../../../shared/layout/stroke-font';

test('ID-1 card body is 85.60 × 53.98 × 0.76 mm with 3.18 mm corners (ISO/IEC 7810)', () => {
  assert.equal(CARD.width, 85.6);
  assert.equal(CARD.height, 53.98);
  assert.equal(CARD.thickness, 0.76);
  assert.equal(CARD.cornerRadius, 3.18);
});

test('emboss pitches are 7 and 10 characters per inch, line limits 19 and 27', () => {
  assert.ok(Math.abs(EMBOSS_FONTS['7B'].pitch - 25.4 / 7) < 0.005);
  assert.equal(EMBOSS_FONTS['7B'].pitch, 3.63);
  assert.equal(EMBOSS_FONTS['1B'].pitch, 2.54);
  assert.equal(EMBOSS_FONTS['1B'].pitch, 25.4 / 10);
  assert.equal(EMBOSS_FONTS['7B'].maxChars, 19);
  assert.equal(ID_LINE.maxChars, 19);
  assert.equal(EMBOSS_FONTS['1B'].maxChars, 27);
  assert.equal(NAME_AREA.maxChars, 27);
  assert.equal(NAME_AREA.maxLines, 4);
});

test('ISO/IEC 7811-3 line zones', () => {
  assert.equal(ID_LINE.baseline, 21.42);
  assert.equal(ID_LINE.tolerance, 0.12);
  assert.equal(ID_LINE.minLeft, 10.18);
  assert.equal(NAME_AREA.maxHeight, 14.53);
  assert.equal(NAME_AREA.bottomMin, 2.41);
  assert.equal(NAME_AREA.bottomMax, 3.3);
  assert.equal(NAME_AREA.bottomMinWithStripe, 2.54);
  assert.equal(NAME_AREA.top, Math.round((3.3 + 14.53) * 100) / 100);
});

test('font character sets: 7B digits only, 1B upper case; first missing character is 1-based', () => {
  assert.equal(firstMissingChar(EMBOSS_FONTS['7B'].charset, '4111 1111'), 0);
  assert.equal(firstMissingChar(EMBOSS_FONTS['7B'].charset, '41A1'), 3);
  assert.equal(firstMissingChar(EMBOSS_FONTS['1B'].charset, "JOHN O'NEIL-SMITH"), 0);
  assert.equal(firstMissingChar(EMBOSS_FONTS['1B'].charset, 'John'), 2);
});

test('coordinates: from the bottom-left; the back view mirrors x only', () => {
  assert.equal(fromTop(5.54), 48.44);
  assert.equal(mirrorX(10), 75.6);
  assert.equal(mirrorX(mirrorX(12.345)), 12.345);
  assert.deepEqual(mirrorBox({ x0: 1, y0: 2, x1: 3, y1: 4 }), { x0: 82.6, y0: 2, x1: 84.6, y1: 4 });
});

test('chip contacts (ISO/IEC 7816-2) and the stripe band sit where the standards put them', () => {
  assert.equal(CHIP_PADS.length, 8);
  const c1 = CHIP_PADS.find((p) => p.name === 'C1')!;
  assert.deepEqual(c1.box, { x0: 10.25, x1: 12.25, y0: fromTop(20.93), y1: fromTop(19.23) });
  const c8 = CHIP_PADS.find((p) => p.name === 'C8')!;
  assert.equal(c8.box.x1, 19.87);
  assert.equal(c8.box.y0, fromTop(28.55));
  assert.deepEqual(CHIP_CONTACT_AREA, { x0: 10.25, x1: 19.9, y0: 24.58, y1: 34.78 });
  // The keep-out is the six-contact field: clear above the top of an ISO line-1 7B character.
  assert.ok(CHIP_KEEP_OUT.y0 > ID_LINE.baseline + EMBOSS_FONTS['7B'].height);
  assert.deepEqual(stripeBand(false), { x0: 0, x1: 85.6, y0: fromTop(15.82), y1: fromTop(5.54) });
  assert.ok(stripeBand(true).y0 < stripeBand(false).y0, 'track 3 widens the band');
  assert.ok(SIGNATURE_PANEL.y1 <= stripeBand(true).y0);
});

test('boxOnCard honours the edges and the rounded corners', () => {
  assert.equal(boxOnCard({ x0: 5, y0: 5, x1: 80, y1: 48 }), true);
  assert.equal(boxOnCard({ x0: -0.1, y0: 5, x1: 10, y1: 10 }), false);
  assert.equal(boxOnCard({ x0: 80, y0: 5, x1: 85.7, y1: 10 }), false);
  assert.equal(boxOnCard({ x0: 0.2, y0: 0.2, x1: 5, y1: 5 }), false, 'inside the square but outside the round corner');
  assert.equal(boxOnCard({ x0: 1, y0: 1, x1: 5, y1: 5 }), true);
});

test('stroke font: A–Z, 0–9 and punctuation, every point inside the 4 × 6 grid', () => {
  for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,-/:&*') assert.ok(STROKE_CHARSET.includes(ch), ch);
  for (const ch of STROKE_CHARSET) {
    const g = strokeGlyph(ch)!;
    if (ch === ' ') assert.equal(g.length, 0);
    else assert.ok(g.length > 0, ch);
    for (const pl of g) {
      assert.ok(pl.length >= 2, `${ch} has a polyline of one point`);
      for (const [x, y] of pl) assert.ok(x >= 0 && x <= STROKE_GRID.width && y >= 0 && y <= STROKE_GRID.capHeight, `${ch} (${x},${y})`);
    }
  }
  assert.equal(strokeGlyph('a'), undefined);
  assert.deepEqual(strokeGlyph('/'), [[[0, 0], [4, 6]]]);
});
