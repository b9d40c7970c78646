// A single-stroke font for laser engraving: every glyph is a few polylines on a 4 × 6 grid
// (x right 0–4, y up 0–6 from the baseline; 6 is the cap height). A glyph is written as
// polylines separated by spaces, each polyline a run of two-digit points "xy": "0046" is a
// line from (0,0) to (4,6). The laser follows the same polylines the preview draws.

export const STROKE_GRID = { width: 4, capHeight: 6, advance: 5 } as const;

const GLYPHS: Record<string, string> = {
  ' ': '',
  '0': '100105163645413010 0145',
  '1': '152620 1030',
  '2': '05163645440040',
  '3': '064624344341301001',
  '4': '30360242',
  '5': '4606043443413000',
  '6': '36160501103041423303',
  '7': '064610',
  '8': '13040516364544331302011030414233',
  '9': '43130405163645413010',
  A: '0004264440 0343',
  B: '00063645443303 3342413000',
  C: '4536160501103041',
  D: '00062644422000',
  E: '46060040 0333',
  F: '460600 0333',
  G: '45361605011030414323',
  H: '0006 4046 0343',
  I: '1030 1636 2026',
  J: '4641301001',
  K: '0006 4602 1340',
  L: '060040',
  M: '0006234640',
  N: '00064046',
  O: '100105163645413010',
  P: '00063645443303',
  Q: '100105163645413010 2240',
  R: '00063645443303 2340',
  S: '453616050413334241301001',
  T: '0646 2620',
  U: '060110304146',
  V: '062046',
  W: '0610233046',
  X: '0046 0640',
  Y: '062346 2320',
  Z: '06460040',
  '.': '2021',
  ',': '2110',
  '-': '1333',
  '/': '0046',
  ':': '2122 2425',
  "'": '2624',
  '&': '40141526353401102042',
  '#': '1115 3135 0242 0444',
  '*': '2125 0244 0442',
  '+': '2125 0343',
  '(': '36252130',
  ')': '16252110',
  '?': '05163645442322 2021',
  '!': '2622 2021',
};

export type Point = readonly [number, number];
export type Polyline = readonly Point[];

/** The characters the stroke font can engrave. */
export const STROKE_CHARSET = Object.keys(GLYPHS).join('');

const PARSED = new Map<string, Polyline[]>();
for (const [ch, src] of Object.entries(GLYPHS)) {
  PARSED.set(
    ch,
    src
      .split(' ')
      .filter(Boolean)
      .map((run) => {
        const pts: Point[] = [];
        for (let i = 0; i < run.length; i += 2) pts.push([run.charCodeAt(i) - 48, run.charCodeAt(i + 1) - 48]);
        return pts;
      }),
  );
}

/** The glyph's polylines in grid units, or undefined when the font lacks the character. */
export function strokeGlyph(ch: string): readonly Polyline[] | undefined {
  return PARSED.get(ch);
}
