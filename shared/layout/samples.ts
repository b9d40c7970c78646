import type { CardRecord } from '../domain/record';
import { bitmapFromRows } from './bitmap';
import type { ProductFeatures } from './features';
import { LayoutTemplateSchema, type LayoutTemplate } from './template';

// A typical payment-card layout: the demo product's, and the fixture of the layout tests and
// bench. Front: card number in 7B on ISO line 1, "VALID THRU MM/YY" and the name in 1B. Back:
// CVV2 indented on the signature panel, the name and a small logo engraved by the laser, all
// clear of the stripe band and of the back impressions of the embossed lines.

/** 24 × 12 pixel issuer mark, engraved 9.6 × 4.8 mm (0.4 mm pixels). */
export const SAMPLE_LOGO = bitmapFromRows([
  '.......######...........',
  '.....##########.........',
  '....####....####..#####.',
  '...###........###.#####.',
  '...##..........##.##....',
  '...##..........##.####..',
  '...##..........##.####..',
  '...##..........##.##....',
  '...###........###.##....',
  '....####....####..##....',
  '.....##########.........',
  '.......######...........',
]);

export const SAMPLE_TEMPLATE: LayoutTemplate = LayoutTemplateSchema.parse({
  zones: 'iso',
  signaturePanel: true,
  front: [
    { type: 'emboss', font: '7B', x: 11.6, y: 21.42, value: { field: 'pan' }, format: '4-4-4-4' },
    { type: 'emboss', font: '1B', x: 30, y: 10.6, value: { field: 'expiry' }, format: 'MM/YY', prefix: 'VALID THRU ' },
    { type: 'emboss', font: '1B', x: 9, y: 4.9, value: { field: 'embossName' }, upper: true },
  ],
  back: [
    { type: 'indent', x: 50, y: 29.2, value: { field: 'cvv2' } },
    { type: 'laserText', x: 8, y: 16.5, size: 1.6, value: { field: 'embossName' }, upper: true },
    { type: 'laserGraphic', x: 66, y: 15, width: 9.6, height: 4.8, image: { literal: SAMPLE_LOGO } },
  ],
});

/** The features of the demo product (chip, stripe with tracks 1–2, emboss, laser). */
export const SAMPLE_FEATURES: ProductFeatures = { chip: true, magstripe: true, track3: false, emboss: true, laser: true };

/** A test record (the PAN is a well-known test number, Luhn-valid). */
export const SAMPLE_RECORD: CardRecord = {
  recordId: 'R0001',
  pan: '4111111111111111',
  expiry: '2912',
  name: 'DOE/JOHN A',
  cvv2: '123',
};
