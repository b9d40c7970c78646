import { CARD, CHIP_KEEP_OUT, CHIP_PADS, SIGNATURE_PANEL, stripeBand, type Box } from './geometry';
import { f3 } from './gcode';
import type { CardLayout, GraphicItem, TextItem } from './layout';
import type { Side } from './template';
import { describeJig, isIdentityJig, toCard, type LaserJig } from './jig';

// A self-contained SVG preview of one side, drawn from the same layout the machines get. The
// viewBox is the card in millimetres with y flipped (SVG y runs down): svgY = 53.98 − y. Every
// glyph is placed by its own x (one x per character), so the position on screen is exactly the
// layout position whatever font the viewer substitutes; embossed glyphs carry a highlight and a
// shadow for relief, indent is flat, laser marks are dark strokes.

const H = CARD.height;
const sy = (y: number): string => f3(H - y);

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]);
}

const FONT_FAMILY: Record<string, string> = {
  '7B': "'OCR A Std','OCR-B',Consolas,monospace",
  '1B': "'Helvetica Neue',Arial,sans-serif",
  indent: "'Helvetica Neue',Arial,sans-serif",
};
// Cap height of a typical face is about 0.72 em: size the font so capitals fill the cell.
const CAP_EM = 0.72;

function rect(b: Box, attrs: string): string {
  return `<rect x="${f3(b.x0)}" y="${sy(b.y1)}" width="${f3(b.x1 - b.x0)}" height="${f3(b.y1 - b.y0)}" ${attrs}/>`;
}

function glyphText(t: TextItem, cls: string, dx: number, dy: number, fill: string): string {
  const xs = t.glyphs.map((g) => f3(g.x + dx)).join(' ');
  const chars = escapeXml(t.glyphs.map((g) => g.ch).join(''));
  return `<text class="${cls}" x="${xs}" y="${f3(H - t.y + dy)}" fill="${fill}">${chars}</text>`;
}

function textItem(t: TextItem): string {
  const head = `<g data-el="${t.path}" data-kind="${t.kind}" data-font="${t.font}"`;
  if (t.kind === 'laserText') {
    let d = '';
    for (const pl of t.strokes) d += 'M' + pl.map(([x, y]) => `${f3(x)} ${sy(y)}`).join('L');
    const w = f3(Math.max(0.08, t.height * 0.09));
    return `${head}><path class="strokes" d="${d}" fill="none" stroke="#151515" stroke-width="${w}" stroke-linecap="round" stroke-linejoin="round"/></g>`;
  }
  if (!t.glyphs.length) return `${head}/>`;
  const style = ` font-family="${FONT_FAMILY[t.font]}" font-size="${f3(t.height / CAP_EM)}" text-anchor="middle"`;
  if (t.kind === 'indent') return `${head}${style}>${glyphText(t, 'glyphs', 0, 0, '#1b1b1b')}</g>`;
  const o = 0.09;
  return (
    `${head}${style} font-weight="bold">` +
    glyphText(t, 'hi', -o, -o, '#ffffff') +
    glyphText(t, 'lo', o, o, '#23262b') +
    glyphText(t, 'glyphs', 0, 0, '#555b65') +
    '</g>'
  );
}

function graphicItem(g: GraphicItem): string {
  let d = '';
  for (const l of g.lines) d += `M${f3(l.x0)} ${sy(l.y)}H${f3(l.x1)}`;
  return `<g data-el="${g.path}" data-kind="laserGraphic"><path class="raster" d="${d}" fill="none" stroke="#151515" stroke-width="${f3(g.pixelHeight)}"/></g>`;
}

function chip(): string {
  const m = 0.6;
  const plate = { x0: CHIP_KEEP_OUT.x0 - m, y0: CHIP_KEEP_OUT.y0 - m, x1: CHIP_KEEP_OUT.x1 + m, y1: CHIP_KEEP_OUT.y1 + m };
  const pads = CHIP_PADS.filter((p) => p.name !== 'C4' && p.name !== 'C8')
    .map((p) => rect(p.box, `data-pad="${p.name}" fill="#e4c573" stroke="#9c7e2e" stroke-width="0.08"`))
    .join('');
  return `<g class="chip">${rect(plate, 'rx="1" fill="#d9b45a" stroke="#8a6d22" stroke-width="0.1"')}${pads}</g>`;
}

/**
 * The laser's work coordinates drawn on the card: where its origin and its +X / +Y axes fall
 * under the station's jig (a 5 mm arrow each), so the preview shows what the controller gets.
 */
function laserAxes(jig: LaserJig): string {
  const [ox, oy] = toCard(jig, 0, 0);
  const [xx, xy] = toCard(jig, 5, 0);
  const [yx, yy] = toCard(jig, 0, 5);
  const line = (x: number, y: number, cls: string) => `<line class="${cls}" x1="${f3(ox)}" y1="${sy(oy)}" x2="${f3(x)}" y2="${sy(y)}" stroke="#c0392b" stroke-width="0.25"/>`;
  return `<g class="laser-origin" data-origin="${f3(ox)},${f3(oy)}" data-jig="${escapeXml(describeJig(jig))}">${line(xx, xy, 'laser-x')}${line(yx, yy, 'laser-y')}<circle cx="${f3(ox)}" cy="${sy(oy)}" r="0.6" fill="#c0392b"/></g>`;
}

export function renderSideSvg(layout: CardLayout, side: Side, opts: { jig?: LaserJig } = {}): string {
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f3(CARD.width)} ${f3(H)}" width="${CARD.width}mm" height="${H}mm" data-side="${side}" data-masked="${layout.masked}">`,
    `<rect class="card" x="0" y="0" width="${f3(CARD.width)}" height="${f3(H)}" rx="${CARD.cornerRadius}" ry="${CARD.cornerRadius}" fill="#eef1f5" stroke="#7d8590" stroke-width="0.2"/>`,
  ];
  if (side === 'front' && layout.features.chip) parts.push(chip());
  if (side === 'back') {
    if (layout.features.magstripe) parts.push(rect(stripeBand(layout.features.track3), 'class="stripe" fill="#24272b"'));
    if (layout.signaturePanel) parts.push(rect(SIGNATURE_PANEL, 'class="signature" fill="#fbfaf4" stroke="#b9b39c" stroke-width="0.1"'));
  }
  for (const it of layout[side]) parts.push(it.kind === 'laserGraphic' ? graphicItem(it) : textItem(it));
  const lasered = layout[side].some((it) => it.kind === 'laserText' || it.kind === 'laserGraphic');
  if (opts.jig && lasered && !isIdentityJig(opts.jig)) parts.push(laserAxes(opts.jig));
  parts.push('</svg>');
  return parts.join('');
}
