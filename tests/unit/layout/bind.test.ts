import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CardRecord } from '../../../shared/domain/record';
import { formatValue, readField, resolveText } from '../../../shared/layout/bind';
import { LayoutTemplateSchema, type TextElement } from '../../../shared/layout/template';
import { layoutCard, type TextItem } from '../../../shared/layout/layout';
import { SAMPLE_FEATURES, SAMPLE_RECORD, SAMPLE_TEMPLATE } from '../../../shared/layout/samples';

const rec: CardRecord = { recordId: 'A1', pan: '4000123456789010', expiry: '2703', name: 'SMITH/ANNA', cvv2: '987', fields: { member: 'M-42' } };

test('formats: digit groups, expiry patterns from YYMM', () => {
  assert.equal(formatValue('4000123456789010', '4-4-4-4'), '4000 1234 5678 9010');
  assert.equal(formatValue('371449635398431', '4-6-5'), '3714 496353 98431');
  assert.equal(formatValue('4000123456789010123', '4-4-4-4'), '4000 1234 5678 9010 123', 'digits beyond the groups form one more group');
  assert.equal(formatValue('400012', '4-4-4-4'), '4000 12');
  assert.equal(formatValue('2703', 'MM/YY'), '03/27');
  assert.equal(formatValue('2703', 'MM/YYYY'), '03/2027');
  assert.equal(formatValue('2703', 'MMYY'), '0327');
  assert.equal(formatValue('ABC', undefined), 'ABC');
});

test('bindings read the record; embossName defaults from the stripe name', () => {
  assert.equal(readField(rec, 'pan'), '4000123456789010');
  assert.equal(readField(rec, 'embossName'), 'ANNA SMITH');
  assert.equal(readField({ ...rec, embossName: 'DR A SMITH' }, 'embossName'), 'DR A SMITH');
  assert.equal(readField(rec, 'cvv2'), '987');
  assert.equal(readField(rec, 'fields.member'), 'M-42');
  assert.equal(readField(rec, 'fields.absent'), undefined);
  const el = (v: Partial<TextElement>) => ({ type: 'emboss', font: '1B', x: 10, y: 5, value: { field: 'expiry' }, ...v }) as TextElement;
  assert.deepEqual(resolveText(el({ format: 'MM/YY', prefix: 'VALID THRU ' }), rec), { text: 'VALID THRU 03/27', valueStart: 11, valueEnd: 16 });
  assert.equal(resolveText(el({ value: { literal: 'member' }, upper: true, suffix: '.' }), rec)?.text, 'MEMBER.');
  assert.equal(resolveText(el({ value: { field: 'fields.absent' } }), rec), undefined);
});

test('display masking hides the PAN middle digits and the CVV2 but keeps every position', () => {
  const plain = layoutCard(SAMPLE_TEMPLATE, rec, { maskPan: false, features: SAMPLE_FEATURES });
  const masked = layoutCard(SAMPLE_TEMPLATE, rec, { maskPan: true, features: SAMPLE_FEATURES });
  const pan = (l: typeof plain) => l.front[0] as TextItem;
  assert.equal(pan(plain).text, '4000 1234 5678 9010');
  assert.equal(pan(masked).text, '4000 12** **** 9010');
  assert.deepEqual(pan(masked).glyphs.map((g) => [g.x, g.y]), pan(plain).glyphs.map((g) => [g.x, g.y]));
  assert.deepEqual(pan(masked).box, pan(plain).box);
  const cvv = (l: typeof plain) => l.back[0] as TextItem;
  assert.equal(cvv(plain).text, '987');
  assert.equal(cvv(masked).text, '***');
  assert.deepEqual(cvv(masked).glyphs.map((g) => g.x), cvv(plain).glyphs.map((g) => g.x));
  assert.equal((masked.front[2] as TextItem).text, 'ANNA SMITH', 'the name is not masked');
});

test('a product passed to layoutCard gives the features and hides its secure fields on display', () => {
  const t = LayoutTemplateSchema.parse({ front: [{ type: 'emboss', font: '1B', x: 10, y: 8, value: { field: 'fields.member' } }] });
  const product = { steps: ['chip', 'magstripe', 'emboss'], magstripe: { tracks: [1, 2, 3] }, secureFields: ['member'] };
  const shown = layoutCard(t, rec, { maskPan: true, product });
  assert.deepEqual(shown.features, { chip: true, magstripe: true, track3: true, emboss: true, laser: false });
  assert.equal((shown.front[0] as TextItem).text, '****');
  assert.equal((layoutCard(t, rec, { maskPan: false, product }).front[0] as TextItem).text, 'M-42');
});

test('missing optional and required fields are reported as omissions, not thrown', () => {
  const t = LayoutTemplateSchema.parse({
    front: [
      { type: 'emboss', font: '1B', x: 10, y: 8, value: { field: 'fields.company' }, optional: true },
      { type: 'emboss', font: '1B', x: 10, y: 12, value: { field: 'fields.branch' } },
    ],
    back: [{ type: 'laserGraphic', x: 10, y: 10, width: 5, height: 5, image: { field: 'graphic' } }],
  });
  const l = layoutCard(t, rec, { maskPan: false });
  assert.equal(l.front.length, 0);
  assert.deepEqual(
    l.omitted.map((o) => [o.path, o.source, o.reason, o.optional]),
    [['layout.front[0]', 'fields.company', 'missing', true], ['layout.front[1]', 'fields.branch', 'missing', false], ['layout.back[0]', 'graphic', 'missing', false]],
  );
});

test('the sample record lays out where the template says (specific coordinates)', () => {
  const l = layoutCard(SAMPLE_TEMPLATE, SAMPLE_RECORD, { maskPan: false, features: SAMPLE_FEATURES });
  const pan = l.front[0] as TextItem;
  assert.equal(pan.glyphs.length, 16);
  assert.deepEqual(pan.glyphs[0], { ch: '4', x: 11.6, y: 21.42 });
  assert.deepEqual(pan.glyphs[4], { ch: '1', x: 29.75, y: 21.42 }, '6th cell (after a space): 11.6 + 5 × 3.63');
  assert.deepEqual(pan.glyphs[15], { ch: '1', x: 76.94, y: 21.42 });
  assert.deepEqual(pan.box, { x0: 10.25, y0: 21.42, x1: 78.29, y1: 25.74 });
  const name = l.back[1] as TextItem;
  assert.equal(name.text, 'JOHN A DOE');
  // "J" at the left of the first cell: its first stroke starts at grid (4,6) scaled by 1.6/6.
  assert.deepEqual(name.strokes[0][0], [9.067, 18.1]);
});
