// What the layout produces for the machines: the same geometry drives the preview and these.

/** One emboss or indent strike run: a line of characters at a position, in millimetres from the
 * card's bottom-left corner (front side view). */
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
  text: string;
}

/** A laser job: G-code lines (GRBL 1.1, laser mode, mm, absolute), per side. */
export interface LaserJob {
  side: 'front' | 'back';
  gcode: string[];
}
