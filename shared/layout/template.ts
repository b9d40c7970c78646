import { z } from 'zod';

// The card layout template of a product: what goes where on each side, bound to record fields.
// Positions are millimetres from the bottom-left corner of the side as seen when looking at
// it (the back view is the card turned over about its vertical axis). See docs/layout.md.

/** A record field a text element may bind. `fields.X` reads the record's extra fields. */
export const FieldRefSchema = z
  .string()
  .regex(/^(pan|expiry|name|embossName|cvv2|serviceCode|recordId|fields\.[A-Za-z0-9_-]{1,40})$/, 'must be pan, expiry, name, embossName, cvv2, serviceCode, recordId or fields.<name>');
export type FieldRef = z.infer<typeof FieldRefSchema>;

/** Where an element's text comes from: a record field or literal text. */
export const ValueSchema = z.union([z.strictObject({ field: FieldRefSchema }), z.strictObject({ literal: z.string().min(1).max(80) })]);
export type Value = z.infer<typeof ValueSchema>;

/**
 * Optional formatting: a digit grouping like "4-4-4-4" or "4-6-5" (groups joined by a space;
 * digits beyond the groups form one more group), or an expiry pattern applied to a YYMM value:
 * "MM/YY", "MM/YYYY" (20YY), "MMYY".
 */
export const FormatSchema = z.string().regex(/^(\d{1,2}(-\d{1,2}){0,7}|MM\/YY|MM\/YYYY|MMYY)$/, 'must be a grouping like 4-4-4-4 or MM/YY, MM/YYYY, MMYY');

const mm = z.number().min(-1000).max(1000);

const textCommon = {
  x: mm,
  y: mm,
  value: ValueSchema,
  format: FormatSchema.optional(),
  /** Literal text before and after the value, e.g. "VALID THRU ". */
  prefix: z.string().max(40).optional(),
  suffix: z.string().max(40).optional(),
  /** Upper-case the value before checking it against the font. */
  upper: z.boolean().optional(),
  /** A record without the field leaves the element out instead of failing. */
  optional: z.boolean().optional(),
  /** The longest value the product expects, used to check a bound field at load time. */
  maxChars: z.number().int().min(1).max(80).optional(),
};

/** Raised characters struck from the back; x is the first character's centre, y the baseline. */
export const EmbossElementSchema = z.strictObject({ type: z.literal('emboss'), font: z.enum(['7B', '1B']), ...textCommon });

/** Flat inked indent on the face it is struck on (e.g. CVV2 on the signature panel). */
export const IndentElementSchema = z.strictObject({ type: z.literal('indent'), ...textCommon });

const laserPower = z.number().int().min(1).max(1000);
const laserFeed = z.number().min(10).max(20_000);

/** Laser-engraved single-stroke text; x is the left of the first glyph cell, y the baseline. */
export const LaserTextElementSchema = z.strictObject({
  type: z.literal('laserText'),
  ...textCommon,
  /** Cap height, mm. */
  size: z.number().min(0.1).max(20),
  power: laserPower.optional(),
  feed: laserFeed.optional(),
});

/** A laser-engraved 1-bit image (shared/layout/bitmap.ts); x, y is its bottom-left corner. */
export const LaserGraphicElementSchema = z.strictObject({
  type: z.literal('laserGraphic'),
  x: mm,
  y: mm,
  width: z.number().min(0.1).max(100),
  height: z.number().min(0.1).max(100),
  image: z.union([z.strictObject({ field: z.literal('graphic') }), z.strictObject({ literal: z.string().min(1).max(200_000) })]),
  optional: z.boolean().optional(),
  power: laserPower.optional(),
  feed: laserFeed.optional(),
});

export const LayoutElementSchema = z.discriminatedUnion('type', [EmbossElementSchema, IndentElementSchema, LaserTextElementSchema, LaserGraphicElementSchema]);
export type LayoutElement = z.infer<typeof LayoutElementSchema>;
export type TextElement = Exclude<LayoutElement, { type: 'laserGraphic' }>;
export type GraphicElement = Extract<LayoutElement, { type: 'laserGraphic' }>;

export const LaserSettingsSchema = z.strictObject({
  /** GRBL S word for text strokes (of $30, normally 1000). */
  power: laserPower.default(600),
  /** Cutting feed for text strokes, mm/min. */
  feed: laserFeed.default(1500),
  /** S word and feed for the raster lines of graphics. */
  graphicPower: laserPower.default(400),
  graphicFeed: laserFeed.default(3000),
});

export const LayoutTemplateSchema = z.strictObject({
  front: z.array(LayoutElementSchema).max(50).default([]),
  back: z.array(LayoutElementSchema).max(50).default([]),
  /** "iso" also holds 7B and 1B lines to the ISO/IEC 7811-3 line zones; "free" does not. */
  zones: z.enum(['iso', 'free']).default('iso'),
  /** The card carries a signature panel on the back (drawn, and a zone for the CVV2 indent). */
  signaturePanel: z.boolean().default(false),
  laser: LaserSettingsSchema.prefault({}),
});
export type LayoutTemplate = z.infer<typeof LayoutTemplateSchema>;
export type LayoutTemplateInput = z.input<typeof LayoutTemplateSchema>;
export type Side = 'front' | 'back';
export const SIDES: readonly Side[] = ['front', 'back'];
