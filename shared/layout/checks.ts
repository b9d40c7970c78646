import { CARD, CHIP_KEEP_OUT, ID_LINE, NAME_AREA, boxOnCard, boxesOverlap, mirrorBox, stripeBand, type Box } from './geometry';
import { EMBOSS_FONTS } from './emboss-fonts';
import { GRBL_LINE_BUFFER, GRBL_MAX_LINE, longestLine } from './gcode';
import type { ProductFeatures } from './features';
import type { LayoutItem, TextItem } from './layout';
import type { Side } from './template';

// Geometry checks shared by the load-time check of a template (with nominal text) and the
// import-time check of each record (with the real text): line length, on the card, clear of the
// chip and the stripe, inside the ISO line zones, not overlapping each other.

/** Smallest laser text cap height the station engraves legibly (single-stroke font), mm. */
export const MIN_LASER_CAP_HEIGHT = 1.0;
/** Smallest graphic pixel, mm: about the laser's spot, below which rows merge into a blot. */
export const MIN_LASER_PIXEL = 0.05;

export interface Finding {
  item: LayoutItem;
  /** Which part of the element to point at: "x", "y", "size", or "" for the element itself. */
  part: string;
  message: string;
}

const mm = (n: number) => n.toFixed(2);

/** The element's box in the front view (what the checks compare). */
export function frontBox(it: LayoutItem): Box {
  return it.side === 'back' ? mirrorBox(it.box) : it.box;
}

/** Faces an element marks: an embossed character pushes through and shows on both. */
function faces(it: LayoutItem): Side[] {
  return it.kind === 'emboss' ? ['front', 'back'] : [it.side];
}

const pressed = (it: LayoutItem) => it.kind === 'emboss' || it.kind === 'indent';

export interface CheckContext {
  features: ProductFeatures;
  zones: 'iso' | 'free';
}

export function checkItems(items: readonly LayoutItem[], ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const add = (item: LayoutItem, part: string, message: string) => out.push({ item, part, message });

  for (const it of items) {
    const b = it.box;
    if (it.kind === 'emboss' || it.kind === 'indent') {
      const f = EMBOSS_FONTS[(it as TextItem).font as '7B' | '1B' | 'indent'];
      if (it.text.length > f.maxChars) add(it, '', `is ${it.text.length} characters; font ${f.name} allows at most ${f.maxChars} a line`);
    }
    if (it.kind === 'laserText' && it.height < MIN_LASER_CAP_HEIGHT)
      add(it, 'size', `is ${mm(it.height)} mm; laser text needs a cap height of at least ${mm(MIN_LASER_CAP_HEIGHT)} mm`);
    if (it.kind === 'laserGraphic' && Math.min(it.pixelWidth, it.pixelHeight) < MIN_LASER_PIXEL)
      add(it, 'width', `gives pixels of ${it.pixelWidth.toFixed(3)} × ${it.pixelHeight.toFixed(3)} mm; the laser needs at least ${MIN_LASER_PIXEL} mm`);
    if (it.kind === 'laserText' || (it.kind === 'laserGraphic' && it.power > 0)) {
      const line = longestLine(it.box, it.power, it.feed);
      if (line.length > GRBL_MAX_LINE)
        add(it, line.field, `makes G-code lines of ${line.length} characters; GRBL 1.1 takes at most ${GRBL_MAX_LINE} (its line buffer is ${GRBL_LINE_BUFFER} bytes)`);
    }

    if (!boxOnCard(b)) {
      if (b.x0 < 0 || b.x1 > CARD.width) add(it, 'x', `runs off the card: spans x ${mm(b.x0)}–${mm(b.x1)} mm on a card ${mm(CARD.width)} mm wide`);
      else if (b.y0 < 0 || b.y1 > CARD.height) add(it, 'y', `runs off the card: spans y ${mm(b.y0)}–${mm(b.y1)} mm on a card ${mm(CARD.height)} mm high`);
      else add(it, 'x', `cuts a rounded corner of the card (radius ${CARD.cornerRadius} mm)`);
    }

    const fb = frontBox(it);
    const marksFront = pressed(it) || it.side === 'front';
    const marksBack = pressed(it) || it.side === 'back';
    if (ctx.features.chip && marksFront && boxesOverlap(fb, CHIP_KEEP_OUT)) add(it, '', 'lies on the chip contacts');
    if (ctx.features.magstripe && marksBack && boxesOverlap(fb, stripeBand(ctx.features.track3)))
      add(it, 'y', `lies on the magnetic stripe band (${mm(stripeBand(ctx.features.track3).y0)}–${mm(stripeBand(ctx.features.track3).y1)} mm)`);

    if (ctx.zones === 'iso' && it.kind === 'emboss') {
      if (it.font === '7B') {
        if (Math.abs(it.y - ID_LINE.baseline) > ID_LINE.tolerance + 1e-9)
          add(it, 'y', `puts the 7B baseline at ${mm(it.y)} mm; ISO/IEC 7811-3 line 1 is at ${ID_LINE.baseline} ± ${ID_LINE.tolerance} mm`);
        if (b.x0 < ID_LINE.minLeft - 1e-9) add(it, 'x', `starts ${mm(b.x0)} mm from the left edge; ISO/IEC 7811-3 line 1 keeps at least ${ID_LINE.minLeft} mm`);
      } else {
        const bottom = ctx.features.magstripe ? NAME_AREA.bottomMinWithStripe : NAME_AREA.bottomMin;
        if (b.y0 < bottom - 1e-9 || b.y1 > NAME_AREA.top + 1e-9)
          add(it, 'y', `spans y ${mm(b.y0)}–${mm(b.y1)} mm, outside the ISO/IEC 7811-3 name-and-address area (${bottom}–${NAME_AREA.top} mm)`);
      }
    }
  }

  if (ctx.zones === 'iso') {
    const baselines: number[] = [];
    for (const it of items)
      if (it.kind === 'emboss' && it.font === '1B' && !baselines.includes(it.y)) {
        baselines.push(it.y);
        if (baselines.length > NAME_AREA.maxLines) add(it, 'y', `is line ${baselines.length} of the name-and-address area, which holds at most ${NAME_AREA.maxLines}`);
      }
  }

  for (let i = 0; i < items.length; i++)
    for (let j = 0; j < i; j++) {
      const a = items[j];
      const b = items[i];
      const shared = faces(a).filter((s) => faces(b).includes(s));
      if (!shared.length || !boxesOverlap(frontBox(a), frontBox(b))) continue;
      let msg = `overlaps ${a.path}`;
      if (a.side !== b.side) msg = a.kind === 'emboss' ? `overlaps the back impression of the embossed ${a.path}` : `its back impression overlaps ${a.path}`;
      add(b, '', msg);
    }
  return out;
}
