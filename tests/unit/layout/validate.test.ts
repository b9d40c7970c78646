import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CardRecord } from '../../../shared/domain/record';
import type { Problem } from '../../../shared/domain/problems';
import { validateLayoutForRecord, validateTemplate, checkProductLayout, checkRecordLayout } from '../../../shared/layout/validate';
import { LayoutTemplateSchema, type LayoutTemplateInput } from '../../../shared/layout/template';
import { bitmapFromRows } from '../../../shared/layout/bitmap';
import { NO_FEATURES, productFeatures, type ProductFeatures } from '../../../shared/layout/features';
import { SAMPLE_FEATURES, SAMPLE_RECORD, SAMPLE_TEMPLATE } from '../../../shared/layout/samples';

const ALL: ProductFeatures = SAMPLE_FEATURES;
const PAN = { type: 'emboss', font: '7B', x: 11.6, y: 21.42, value: { field: 'pan' }, format: '4-4-4-4' } as const;
const NAME = { type: 'emboss', font: '1B', x: 9, y: 4.9, value: { field: 'embossName' } } as const;

const check = (t: LayoutTemplateInput, f: ProductFeatures = ALL) => validateTemplate(t, f);
const fields = (ps: Problem[]) => ps.map((p) => p.field);
const has = (ps: Problem[], field: string, message: RegExp) => {
  const hit = ps.find((p) => p.field === field && message.test(p.message));
  assert.ok(hit, `expected a problem on ${field} matching ${message}, got ${JSON.stringify(ps)}`);
  return hit;
};
const one = (ps: Problem[], field: string, message: RegExp) => {
  const hit = ps.filter((p) => p.field === field);
  assert.equal(hit.length, 1, `expected one problem on ${field}, got ${JSON.stringify(ps)}`);
  assert.match(hit[0].message, message);
  return hit[0];
};

test('the sample template validates clean, with and without track 3, and a sample record too', () => {
  assert.deepEqual(validateTemplate(SAMPLE_TEMPLATE, ALL), []);
  assert.deepEqual(validateTemplate(SAMPLE_TEMPLATE, { ...ALL, track3: true }), []);
  assert.deepEqual(validateLayoutForRecord(SAMPLE_TEMPLATE, SAMPLE_RECORD, 1, ALL), []);
  const product = { steps: ['chip', 'magstripe', 'emboss', 'laser'], magstripe: { tracks: [1, 2] }, layout: SAMPLE_TEMPLATE };
  assert.deepEqual(checkProductLayout(product), []);
  assert.deepEqual(checkRecordLayout(product, SAMPLE_RECORD, 1), []);
  assert.deepEqual(checkProductLayout({ steps: ['chip'] }), []);
  assert.deepEqual(productFeatures(product), ALL);
});

test('schema errors come back as problems with layout paths', () => {
  const ps = check({ front: [{ ...PAN, x: 'left' as unknown as number }] });
  assert.deepEqual(fields(ps), ['layout.front[0].x']);
  assert.deepEqual(fields(check({ back: [{ type: 'stamp' } as never] })), ['layout.back[0].type']);
});

test('elements the product cannot produce', () => {
  const ps = check({ front: [PAN], back: [{ type: 'laserText', x: 8, y: 16.5, size: 1.6, value: { literal: 'HI' } }, { ...NAME, y: 8 }] }, NO_FEATURES);
  one(ps, 'layout.front[0]', /needs the emboss step/);
  one(ps, 'layout.back[0]', /needs the laser step/);
  one(ps, 'layout.back[1].type', /embossing reads on the front/);
});

test('characters outside a font: literal, prefix, and a bound field the font cannot hold', () => {
  const ps = check({
    front: [
      { ...NAME, value: { literal: 'ACME ltd' } },
      { type: 'emboss', font: '1B', x: 30, y: 10.6, value: { field: 'expiry' }, format: 'MM/YY', prefix: 'GÜLTIG ' },
      { ...PAN, value: { field: 'embossName' }, format: undefined },
    ],
  });
  one(ps, 'layout.front[0].value.literal', /character 6 \("l"\) is not in the font 1B/);
  one(ps, 'layout.front[1].prefix', /character 2 \("Ü"\) is not in the font 1B/);
  one(ps, 'layout.front[2].value.field', /embossName holds characters the font 7B cannot mark/);
  assert.deepEqual(check({ front: [{ ...NAME, value: { literal: 'acme' }, upper: true }] }), [], 'upper-cased before the check');
});

test('format and graphic encoding problems', () => {
  const ps = check({
    front: [{ ...NAME, format: 'MM/YY' }],
    back: [{ type: 'laserGraphic', x: 66, y: 15, width: 9.6, height: 4.8, image: { literal: 'bits1:8x8:AAAA' } }],
  });
  one(ps, 'layout.front[0].format', /formats a YYMM expiry/);
  one(ps, 'layout.back[0].image.literal', /holds 3 bytes of pixels, 8x8 needs 8/);
});

test('lines too long for their font', () => {
  const ps = check({ front: [{ ...NAME, x: 5, value: { literal: 'A'.repeat(28) } }, { ...PAN, value: { field: 'pan' }, format: undefined, maxChars: 20 }] }, { ...ALL, chip: false });
  one(ps, 'layout.front[0]', /is 28 characters; font 1B allows at most 27/);
  one(ps, 'layout.front[1]', /is 20 characters; font 7B allows at most 19/);
});

test('elements off the card: an edge or a rounded corner', () => {
  const ps = check(
    {
      zones: 'free',
      front: [
        { ...NAME, x: 70, y: 30, value: { literal: 'ABCDEFGHIJ' } },
        { ...NAME, x: 40, y: 52, value: { literal: 'TOP' } },
        { type: 'laserText', x: 0.3, y: 0.3, size: 1.5, value: { literal: 'C' } },
      ],
    },
    NO_FEATURES,
  ).filter((p) => !/step/.test(p.message));
  one(ps, 'layout.front[0].x', /runs off the card: spans x 69.00–93.86 mm on a card 85.60 mm wide/);
  one(ps, 'layout.front[1].y', /runs off the card: spans y 52.00–54.92 mm/);
  one(ps, 'layout.front[2].x', /cuts a rounded corner/);
});

test('forbidden zones: chip contacts on the front, the stripe band on the back', () => {
  const t: LayoutTemplateInput = {
    zones: 'free',
    front: [
      { type: 'laserText', x: 12, y: 30, size: 2, value: { literal: 'CHIP' } },
      { type: 'laserText', x: 40, y: 42, size: 2, value: { literal: 'FRONT OK' } },
    ],
    back: [
      { type: 'laserText', x: 10, y: 42, size: 2, value: { literal: 'STRIPE' } },
      { type: 'indent', x: 30, y: 35, value: { literal: '12' } },
      { type: 'laserText', x: 66, y: 30, size: 2, value: { literal: 'CHIPBACK' } },
    ],
  };
  const ps = check(t);
  one(ps, 'layout.front[0]', /lies on the chip contacts/);
  one(ps, 'layout.back[0].y', /lies on the magnetic stripe band \(38.16–48.44 mm\)/);
  assert.deepEqual(fields(check(t, { ...ALL, track3: false })).sort(), ['layout.back[0].y', 'layout.front[0]']);
  one(check(t, { ...ALL, track3: true }), 'layout.back[1].y', /stripe band \(35.74–48.44 mm\)/);
  assert.deepEqual(check(t, { ...ALL, chip: false, magstripe: false }), [], 'no chip, no stripe: no zones');
});

test('ISO/IEC 7811-3 zones: line 1 baseline and margin, name-and-address area, four lines at most', () => {
  const ps = check({
    front: [
      { ...PAN, y: 21.6 },
      { type: 'emboss', font: '1B', x: 9, y: 2.0, value: { literal: 'LOW' } },
      { type: 'emboss', font: '1B', x: 40, y: 6, value: { literal: 'B' } },
      { type: 'emboss', font: '1B', x: 40, y: 9.7, value: { literal: 'C' } },
      { type: 'emboss', font: '1B', x: 40, y: 13.4, value: { literal: 'D' } },
      { type: 'emboss', font: '1B', x: 9, y: 9.7, value: { literal: 'E' } },
      { type: 'emboss', font: '1B', x: 20, y: 16, value: { literal: 'HIGH' } },
    ],
  });
  one(ps, 'layout.front[0].y', /7B baseline at 21.60 mm; ISO\/IEC 7811-3 line 1 is at 21.42 ± 0.12 mm/);
  const low = ps.filter((p) => p.field === 'layout.front[1].y');
  assert.match(low[0].message, /outside the ISO\/IEC 7811-3 name-and-address area \(2.54–17.83 mm\)/);
  const high = ps.filter((p) => p.field === 'layout.front[6].y').map((p) => p.message);
  assert.ok(high.some((m) => /outside the ISO\/IEC 7811-3 name-and-address area/.test(m)));
  assert.ok(high.some((m) => /is line 5 of the name-and-address area, which holds at most 4/.test(m)));
  assert.equal(ps.filter((p) => p.field === 'layout.front[5].y').length, 0, 'a second element on an existing line is not a new line');
  one(check({ front: [{ ...PAN, x: 10 }] }), 'layout.front[0].x', /starts 8.65 mm from the left edge; ISO\/IEC 7811-3 line 1 keeps at least 10.18 mm/);
  assert.deepEqual(check({ zones: 'free', front: [{ ...PAN, y: 21.6 }] }), [], 'free zones skip the ISO line rules');
});

test('overlaps: on one face, and with the back impression of embossed characters', () => {
  const ps = check({
    front: [PAN, { type: 'laserText', x: 30, y: 22, size: 1.5, value: { literal: 'X' } }, NAME],
    back: [
      { type: 'laserText', x: 20, y: 5.5, size: 1.2, value: { literal: 'UNDER NAME' } },
      { type: 'laserText', x: 40, y: 18, size: 1.2, value: { literal: 'FREE' } },
    ],
  });
  one(ps, 'layout.front[1]', /overlaps layout.front\[0\]/);
  one(ps, 'layout.back[0]', /overlaps the back impression of the embossed layout.front\[2\]/);
  assert.equal(ps.length, 2);
  // A laser mark on the front and one on the back at the same place do not touch each other.
  assert.deepEqual(check({ front: [{ type: 'laserText', x: 40, y: 18, size: 1.2, value: { literal: 'AB' } }], back: [{ type: 'laserText', x: 40.5, y: 18, size: 1.2, value: { literal: 'AB' } }] }), []);
});

test('laser text too small and graphics finer than the laser', () => {
  const ps = check({
    back: [
      { type: 'laserText', x: 10, y: 20, size: 0.8, value: { literal: 'TINY' } },
      { type: 'laserGraphic', x: 60, y: 15, width: 0.32, height: 0.4, image: { literal: bitmapFromRows(['########', '########']) } },
    ],
  });
  one(ps, 'layout.back[0].size', /is 0.80 mm; laser text needs a cap height of at least 1.00 mm/);
  one(ps, 'layout.back[1].width', /gives pixels of 0.040 × 0.200 mm; the laser needs at least 0.05 mm/);
  assert.equal(check({ back: [{ type: 'laserText', x: 10, y: 20, size: 1.0, value: { literal: 'OK' } }] }).length, 0);
});

// ---- per record, when a batch imports ----

const rec = (r: Partial<CardRecord>): CardRecord => ({ ...SAMPLE_RECORD, ...r });

test('record: a character outside the font names the field and position, not the data after it', () => {
  const ps = validateLayoutForRecord(SAMPLE_TEMPLATE, rec({ recordId: 'R7', embossName: 'JOSÉ DOE-LONGNAME' }), 7, ALL);
  const p = has(ps, 'embossName', /^character 4 \("É"\) is not in the font 1B \(layout.front\[2\]\)$/);
  assert.equal(p.record, 7);
  assert.equal(p.recordId, 'R7');
  assert.ok(!ps.some((x) => /DOE|LONGNAME/.test(x.message)));
  // The laser line binds the same field: it is reported there too, against its own font.
  has(ps, 'embossName', /^character 4 \("É"\) is not in the laser stroke font \(layout.back\[1\]\)$/);
  assert.equal(ps.length, 2);
});

test('record: a secret field is named by position only', () => {
  const ps = validateLayoutForRecord(SAMPLE_TEMPLATE, rec({ cvv2: '12a' }), 3, ALL);
  const p = one(ps, 'cvv2', /^character 3 is not in the font indent \(layout.back\[0\]\)$/);
  assert.ok(!p.message.includes('12'));
});

test('record: a 19-digit PAN grouped 4-4-4-4 is too long for line 1, reported without the PAN', () => {
  const pan = '4000000000000000006';
  const ps = validateLayoutForRecord(SAMPLE_TEMPLATE, rec({ pan }), 2, ALL);
  has(ps, 'pan', /runs off the card: spans x 10.25–92.81 mm/);
  const p = has(ps, 'pan', /is 23 characters; font 7B allows at most 19 a line \(layout.front\[0\]\)/);
  assert.ok(!ps.some((x) => x.message.includes('4000')));
  assert.equal(p.record, 2);
});

test('record: missing fields, bad or too-fine graphics, and text pushed off the card', () => {
  const t = LayoutTemplateSchema.parse({
    front: [{ type: 'emboss', font: '1B', x: 40, y: 8, value: { field: 'fields.title' } }],
    back: [
      { type: 'indent', x: 50, y: 29.2, value: { field: 'cvv2' } },
      { type: 'laserGraphic', x: 60, y: 15, width: 3, height: 3, image: { field: 'graphic' } },
    ],
  });
  assert.deepEqual(validateTemplate(t, ALL), []);
  const missing = validateLayoutForRecord(t, rec({ cvv2: undefined, fields: {} }), 4, ALL);
  one(missing, 'cvv2', /is missing; layout.back\[0\] needs it/);
  one(missing, 'fields.title', /is missing; layout.front\[0\] needs it/);
  one(missing, 'graphic', /is missing; layout.back\[1\] needs it/);
  one(validateLayoutForRecord(t, rec({ graphic: 'GIF89a', fields: { title: 'X' } }), 5, ALL), 'graphic', /not a 1-bit graphic.*\(layout.back\[1\]\)/);
  const fine = bitmapFromRows(Array.from({ length: 100 }, () => '#'.repeat(100)));
  one(validateLayoutForRecord(t, rec({ graphic: fine, fields: { title: 'X' } }), 6, ALL), 'graphic', /pixels of 0.030 × 0.030 mm; the laser needs at least 0.05 mm/);
  const long = validateLayoutForRecord(t, rec({ fields: { title: 'MANAGING DIRECTOR EMEA' } }), 8, ALL);
  one(long, 'fields.title', /^runs off the card: spans x 39.00–94.34 mm on a card 85.60 mm wide \(layout.front\[0\]\)$/);
});
