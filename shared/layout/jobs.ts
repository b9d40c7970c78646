// What the layout produces for the machines: the same geometry drives the preview and these.

/** One emboss or indent strike run: a line of characters at a position, in millimetres from the
 * bottom-left corner of the side named by `side`, as seen looking at that side (front: the front
 * view; back: the card turned over about its vertical axis, x_back = 85.60 − x_front). Embossed
 * characters (kind 'emboss') always read on the front and have side 'front'. */
export interface EmbossJob {
  kind: 'emboss' | 'indent';
  side: 'front' | 'back';
  font: '7B' | '1B' | 'indent';
  /** Left edge to the centre of the first character, mm. */
  x: number;
  /** Bottom edge to the character baseline, mm. */
  y: number;
  /** Pitch between character centres, mm. */
  pitch: number;
  /** The characters, spaces included; character i is centred at x + i·pitch. */
  text: string;
  /** The record field the text came from ("pan", "name", "fields.X", "literal"), for crosschecks. */
  source?: string;
  /** The template element, e.g. "layout.front[0]". */
  element?: string;
}

/** A laser job: G-code lines (GRBL 1.1, laser mode, mm, absolute), per side. Coordinates are
 * millimetres from the bottom-left corner of that side as seen looking at it (see EmbossJob). */
export interface LaserJob {
  side: 'front' | 'back';
  gcode: string[];
}
