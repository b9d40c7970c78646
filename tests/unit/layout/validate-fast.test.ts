import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CardRecord } from '../../../shared/domain/record';
import type { Problem } from '../../../shared/domain/problems';
import { validateLayoutForRecord, validateLayoutForRecordByLayout } from '../../../shared/layout/validate';
import { LayoutTemplateSchema, type LayoutTemplate } from '../../../shared/layout/template';
import { bitmapFromRows } from '../../../shared/layout/bitmap';
import { NO_FEATURES, type ProductFeatures } from '../../../shared/layout/features';
import { SAMPLE_FEATURES, SAMPLE_TEMPLATE } from '../../../shared/layout/samples';
import { seeded } from '../../support/rng';

// The per-record check goes through the template's compiled form (geometry per card shape,
// cached); validateLayoutForRecordByLayout lays out the whole card every time. Over many
// generated records, good and bad, both must give the very same problems in the same order.

const rng = seeded;

const TEMPLATES: Record<string, LayoutTemplate> = {
  sample: SAMPLE_TEMPLATE,
  busy: LayoutTemplateSchema.parse({
    zones: 'iso',
    front: [
      { type: 'emboss', font: '7B', x: 11.6, y: 21.42, value: { field: 'pan' }, format: '4-6-5' },
      { type: 'emboss', font: '1B', x: 9, y: 4.9, value: { field: 'embossName' }, upper: true },
      { type: 'emboss', font: '1B', x: 9, y: 8.6, value: { field: 'fields.title' }, optional: true },
      { type: 'emboss', font: '1B', x: 45, y: 8.6, value: { field: 'fields.company' }, prefix: 'AT ', suffix: '.' },
      { type: 'emboss', font: '1B', x: 40, y: 12.3, value: { field: 'expiry' }, format: 'MM/YYYY' },
      { type: 'emboss', font: '1B', x: 9, y: 15, value: { field: 'recordId' } },
      { type: 'laserText', x: 50, y: 40, size: 1.4, value: { field: 'name' } },
      { type: 'laserText', x: 30, y: 45, size: 2, value: { literal: 'MEMBER' } },
    ],
    back: [
      { type: 'indent', x: 50, y: 29.2, value: { field: 'cvv2' } },
      { type: 'laserText', x: 8, y: 16.5, size: 1.6, value: { field: 'embossName' }, upper: true },
      { type: 'laserText', x: 8, y: 20, size: 1.2, value: { field: 'pan' }, format: '4-4-4-4' },
      { type: 'laserGraphic', x: 66, y: 15, width: 3, height: 3, image: { field: 'graphic' }, optional: true },
      { type: 'laserGraphic', x: 70, y: 2, width: 4, height: 2, image: { literal: bitmapFromRows(['#..#', '.##.']) } },
    ],
  }),
  free: LayoutTemplateSchema.parse({
    zones: 'free',
    front: [
      { type: 'laserText', x: 40, y: 30, size: 2, value: { field: 'fields.title' } },
      { type: 'laserText', x: 60, y: 30, size: 2, value: { field: 'serviceCode' }, prefix: 'SC ' },
      { type: 'emboss', font: '7B', x: 11.6, y: 21.42, value: { field: 'pan' } },
    ],
    back: [
      { type: 'laserGraphic', x: 10, y: 20, width: 6, height: 6, image: { field: 'graphic' } },
      { type: 'indent', x: 12, y: 22, value: { field: 'cvv2' }, optional: true },
      { type: 'laserText', x: 2, y: 40, size: 1.5, value: { field: 'fields.company' }, optional: true },
    ],
  }),
};

const FEATURES: ProductFeatures[] = [SAMPLE_FEATURES, NO_FEATURES, { ...SAMPLE_FEATURES, track3: true }, { ...SAMPLE_FEATURES, chip: false }];

const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ     ./-abcÉ^';
const GRAPHICS = [
  bitmapFromRows(['##', '##']),
  bitmapFromRows(['#.#.#.#.', '.#.#.#.#', '########']),
  bitmapFromRows(Array.from({ length: 90 }, () => '#'.repeat(90))), // finer than the laser
  'GIF89a',
  'bits1:8x8:AAAA',
];

function generate(seed: number, n: number): CardRecord[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const text = (chars: string, min: number, max: number) => {
    let s = '';
    const len = min + Math.floor(r() * (max - min + 1));
    for (let i = 0; i < len; i++) s += pick(chars.split(''));
    return s;
  };
  const maybe = <T>(p: number, v: () => T): T | undefined => (r() < p ? v() : undefined);
  return Array.from({ length: n }, (_, i) => {
    const fields: Record<string, string> = {};
    if (r() < 0.6) fields.title = r() < 0.1 ? '' : text(NAME_CHARS, 1, 30);
    if (r() < 0.7) fields.company = text('ABCXYZ 01&', 1, 24);
    const rec: CardRecord = {
      recordId: r() < 0.9 ? `R${i}` : text('AB12-x', 1, 30),
      pan: text('0123456789', 12, 19) + (r() < 0.05 ? 'A' : ''),
      expiry: r() < 0.9 ? `${10 + Math.floor(r() * 20)}${String(1 + Math.floor(r() * 12)).padStart(2, '0')}` : text('0123x', 1, 6),
      name: `${text(NAME_CHARS, 1, 14)}/${text(NAME_CHARS, 0, 12)}`,
      embossName: maybe(0.3, () => text(NAME_CHARS, 0, 30)),
      cvv2: maybe(0.85, () => text('0123456789' + (r() < 0.1 ? 'a' : ''), 3, 4)),
      serviceCode: maybe(0.5, () => text('0123456789', 1, 5)),
      graphic: maybe(0.5, () => pick(GRAPHICS)),
      fields,
    };
    for (const k of Object.keys(rec) as (keyof CardRecord)[]) if (rec[k] === undefined) delete rec[k];
    return rec;
  });
}

test('the compiled per-record check gives exactly the problems of the full layout, on generated records', () => {
  const messages = new Set<string>();
  let clean = 0;
  let bad = 0;
  for (const [name, t] of Object.entries(TEMPLATES))
    for (const [fi, f] of FEATURES.entries()) {
      const records = generate(1000 * fi + name.length, 300);
      records.forEach((rec, i) => {
        const full = validateLayoutForRecordByLayout(t, rec, i + 1, f);
        const fast = validateLayoutForRecord(t, rec, i + 1, f);
        assert.deepEqual(fast, full, `template ${name}, features ${fi}, record ${i + 1}: ${JSON.stringify(rec)}`);
        if (full.length) bad++;
        else clean++;
        for (const p of full) messages.add(p.message.replace(/[\d.]+/g, '#').replace(/\(layout[^)]*\)/, '').slice(0, 25));
      });
    }
  // The generated records cover good cards and every kind of per-record problem.
  assert.ok(clean > 100 && bad > 100, `clean ${clean}, bad ${bad}`);
  const kinds = [...messages].join('\n');
  for (const k of [/^is missing/m, /^character/m, /^runs off the card/m, /^is # characters/m, /^overlaps/m, /^gives pixels/m, /not a 1-bit graphic|holds # bytes/m, /^spans y/m]) assert.match(kinds, k);
});

test('the compiled check follows a change of features and a new template object', () => {
  const rec: CardRecord = { recordId: 'R1', pan: '4111111111111111', expiry: '2912', name: 'DOE/JOHN', cvv2: '123' };
  const onStripe = LayoutTemplateSchema.parse({ zones: 'free', back: [{ type: 'laserText', x: 10, y: 42, size: 2, value: { field: 'recordId' } }] });
  const fields = (ps: Problem[]) => ps.map((p) => `${p.record}:${p.field}:${p.message}`);
  assert.deepEqual(validateLayoutForRecord(onStripe, rec, 1, NO_FEATURES), []);
  const striped = validateLayoutForRecord(onStripe, rec, 1, SAMPLE_FEATURES);
  assert.deepEqual(fields(striped), ['1:recordId:lies on the magnetic stripe band (38.16–48.44 mm) (layout.back[0])']);
  assert.deepEqual(fields(validateLayoutForRecord(onStripe, rec, 2, SAMPLE_FEATURES)), ['2:recordId:lies on the magnetic stripe band (38.16–48.44 mm) (layout.back[0])']);
  const moved = LayoutTemplateSchema.parse({ zones: 'free', back: [{ type: 'laserText', x: 10, y: 30, size: 2, value: { field: 'recordId' } }] });
  assert.deepEqual(validateLayoutForRecord(moved, rec, 1, SAMPLE_FEATURES), []);
});
