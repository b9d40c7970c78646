import type { CardRecord } from '../domain/record';
import { round3, type Box } from './geometry';
import { EMBOSS_FONTS, type EmbossFontName } from './emboss-fonts';
import { STROKE_GRID, strokeGlyph, type Point, type Polyline } from './stroke-font';
import { bitmapPixel, decodeBitmap, type Bitmap } from './bitmap';
import { NO_FEATURES, productFeatures, type ProductFeatures } from './features';
import { resolveText, sourceOf } from './bind';
import { SIDES, type GraphicElement, type LayoutTemplate, type Side, type TextElement } from './template';

// One card's resolved geometry: every glyph, stroke and raster line with its position in mm,
// per side, in that side's view. The preview, the emboss jobs and the laser G-code are all read
// from this one structure.

export interface Glyph {
  ch: string;
  /** Character centre and baseline, mm. */
  x: number;
  y: number;
}

export interface TextItem {
  kind: 'emboss' | 'indent' | 'laserText';
  side: Side;
  /** Position of the element in its side's template list, and its path for problems. */
  index: number;
  path: string;
  /** The bound record field, or "literal". */
  source: string;
  font: EmbossFontName | 'stroke';
  /** Emboss/indent: first character centre; laser text: left of the first cell. y: baseline. */
  x: number;
  y: number;
  /** Distance between character centres, mm. */
  pitch: number;
  /** Character cell width and height (cap height for laser text), mm. */
  cellWidth: number;
  height: number;
  /** The whole line, spaces included (masked in display mode). */
  text: string;
  /** Where the record's value sits in `text` (the rest is the template's prefix and suffix). */
  valueStart: number;
  valueEnd: number;
  /** Every non-space character at its position. */
  glyphs: Glyph[];
  box: Box;
  /** Laser text only: the stroke-font polylines in mm; [] for other kinds. */
  strokes: Polyline[];
  /** Laser text only: GRBL S word and feed. */
  power: number;
  feed: number;
}

/** One raster line of a graphic: burn from x0 to x1 at height y. */
export interface HatchLine {
  y: number;
  x0: number;
  x1: number;
}

export interface GraphicItem {
  kind: 'laserGraphic';
  side: Side;
  index: number;
  path: string;
  source: string;
  box: Box;
  /** Size of one pixel, mm. */
  pixelWidth: number;
  pixelHeight: number;
  lines: HatchLine[];
  power: number;
  feed: number;
}

export type LayoutItem = TextItem | GraphicItem;

/** An element left out of this card, and why. */
export interface Omission {
  side: Side;
  index: number;
  path: string;
  source: string;
  reason: 'missing' | 'badGraphic';
  /** For badGraphic: what is wrong with the encoding (never the data). */
  detail?: string;
  optional: boolean;
}

export interface CardLayout {
  masked: boolean;
  features: ProductFeatures;
  signaturePanel: boolean;
  front: LayoutItem[];
  back: LayoutItem[];
  omitted: Omission[];
}

export interface LayoutOptions {
  /** Display mode: PAN middle digits, CVV2 and secure fields shown as the mask character. */
  maskPan: boolean;
  /** The product: its steps give the card's features, its secure fields are hidden on display. */
  product?: { steps: readonly string[]; magstripe?: { tracks: readonly number[] }; secureFields?: readonly string[] };
  /** Overrides the features derived from `product`. */
  features?: ProductFeatures;
  /** Overrides the product's secure fields. */
  secureFields?: readonly string[];
}

export const elementPath = (side: Side, index: number): string => `layout.${side}[${index}]`;

/** Lays out one text line at its element's position (also used with nominal text at load time). */
export function placeText(
  el: TextElement,
  side: Side,
  index: number,
  r: { text: string; valueStart: number; valueEnd: number },
  laser: LayoutTemplate['laser'],
): TextItem {
  const text = r.text;
  const glyphs: Glyph[] = [];
  const strokes: Polyline[] = [];
  let font: TextItem['font'];
  let pitch: number;
  let cellWidth: number;
  let height: number;
  let x0: number;
  let x1: number;
  if (el.type === 'laserText') {
    font = 'stroke';
    const u = el.size / STROKE_GRID.capHeight;
    pitch = round3(u * STROKE_GRID.advance);
    cellWidth = round3(u * STROKE_GRID.width);
    height = el.size;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      const left = el.x + i * u * STROKE_GRID.advance;
      if (ch !== ' ') glyphs.push({ ch, x: round3(left + cellWidth / 2), y: el.y });
      for (const pl of strokeGlyph(ch) ?? []) strokes.push(pl.map(([gx, gy]): Point => [round3(left + gx * u), round3(el.y + gy * u)]));
    }
    x0 = el.x;
    x1 = round3(el.x + (text.length - 1) * u * STROKE_GRID.advance + cellWidth);
  } else {
    const f = EMBOSS_FONTS[el.type === 'indent' ? 'indent' : el.font];
    font = f.name;
    pitch = f.pitch;
    cellWidth = f.width;
    height = f.height;
    for (let i = 0; i < text.length; i++) if (text[i] !== ' ') glyphs.push({ ch: text[i], x: round3(el.x + i * pitch), y: el.y });
    x0 = round3(el.x - cellWidth / 2);
    x1 = round3(el.x + (text.length - 1) * pitch + cellWidth / 2);
  }
  const isLaser = el.type === 'laserText';
  return {
    kind: el.type,
    side,
    index,
    path: elementPath(side, index),
    source: sourceOf(el.value),
    font,
    x: el.x,
    y: el.y,
    pitch,
    cellWidth,
    height,
    text,
    valueStart: r.valueStart,
    valueEnd: r.valueEnd,
    glyphs,
    box: { x0, y0: el.y, x1, y1: round3(el.y + height) },
    strokes,
    power: isLaser ? (el.power ?? laser.power) : 0,
    feed: isLaser ? (el.feed ?? laser.feed) : 0,
  };
}

/** Lays out a decoded bitmap as raster lines, one per pixel row, burning runs of set pixels. */
export function placeGraphic(el: GraphicElement, side: Side, index: number, bmp: Bitmap, laser: LayoutTemplate['laser']): GraphicItem {
  const pw = el.width / bmp.width;
  const ph = el.height / bmp.height;
  const lines: HatchLine[] = [];
  for (let r = 0; r < bmp.height; r++) {
    const y = round3(el.y + el.height - (r + 0.5) * ph);
    let start = -1;
    for (let c = 0; c <= bmp.width; c++) {
      const on = c < bmp.width && bitmapPixel(bmp, c, r);
      if (on && start < 0) start = c;
      else if (!on && start >= 0) {
        lines.push({ y, x0: round3(el.x + start * pw), x1: round3(el.x + c * pw) });
        start = -1;
      }
    }
  }
  return {
    kind: 'laserGraphic',
    side,
    index,
    path: elementPath(side, index),
    source: 'field' in el.image ? 'graphic' : 'literal',
    box: { x0: el.x, y0: el.y, x1: round3(el.x + el.width), y1: round3(el.y + el.height) },
    pixelWidth: pw,
    pixelHeight: ph,
    lines,
    power: el.power ?? laser.graphicPower,
    feed: el.feed ?? laser.graphicFeed,
  };
}

export function layoutCard(template: LayoutTemplate, record: CardRecord, opts: LayoutOptions): CardLayout {
  const out: CardLayout = {
    masked: opts.maskPan,
    features: opts.features ?? (opts.product ? productFeatures(opts.product) : NO_FEATURES),
    signaturePanel: template.signaturePanel,
    front: [],
    back: [],
    omitted: [],
  };
  const mask = { maskPan: opts.maskPan, secureFields: opts.secureFields ?? opts.product?.secureFields };
  for (const side of SIDES) {
    template[side].forEach((el, index) => {
      const omit = (reason: Omission['reason'], source: string, detail?: string) =>
        out.omitted.push({ side, index, path: elementPath(side, index), source, reason, detail, optional: !!el.optional });
      if (el.type === 'laserGraphic') {
        const src = 'field' in el.image ? record.graphic : el.image.literal;
        const source = 'field' in el.image ? 'graphic' : 'literal';
        if (!src) return omit('missing', source);
        const bmp = decodeBitmap(src);
        if ('error' in bmp) return omit('badGraphic', source, bmp.error);
        out[side].push(placeGraphic(el, side, index, bmp, template.laser));
        return;
      }
      const r = resolveText(el, record, mask);
      if (!r) return omit('missing', sourceOf(el.value));
      out[side].push(placeText(el, side, index, r, template.laser));
    });
  }
  return out;
}
