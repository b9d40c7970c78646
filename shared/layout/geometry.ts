// The fixed geometry of an ID-1 card, in millimetres from the card's bottom-left corner.
// Front-side features are given in the front view. Back-side features are given in the back
// view: the card turned over about its vertical axis, so a point at front x lies at back
// x' = CARD.width − x and keeps its y (the stripe on the back lies along the same long edge
// as the top of the front). Figures come from /work/shared/reference/standards.md unless a
// comment says otherwise.

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** ISO/IEC 7810 ID-1. */
export const CARD = {
  width: 85.6,
  height: 53.98,
  thickness: 0.76,
  cornerRadius: 3.18,
} as const;

export const CARD_BOX: Box = { x0: 0, y0: 0, x1: CARD.width, y1: CARD.height };

/** Converts a y measured down from the top edge into our bottom-up y. */
export const fromTop = (d: number): number => round3(CARD.height - d);

/** Mirrors an x between the front and the back view (the operation is its own inverse). */
export const mirrorX = (x: number): number => round3(CARD.width - x);

export function mirrorBox(b: Box): Box {
  return { x0: mirrorX(b.x1), y0: b.y0, x1: mirrorX(b.x0), y1: b.y1 };
}

export function round3(n: number): number {
  const r = Math.round(n * 1000) / 1000;
  return r === 0 ? 0 : r;
}

/** Embossing relief height, mm (commonly cited, ISO/IEC 7811-1). */
export const EMBOSS_RELIEF = { min: 0.46, max: 0.48 } as const;

/** ISO/IEC 7811-3 line 1, the identification-number line (7B). */
export const ID_LINE = {
  /** Bottom edge to the baseline, mm. */
  baseline: 21.42,
  tolerance: 0.12,
  /** Left edge to the first character's nearest point, at least (commonly cited). */
  minLeft: 10.18,
  maxChars: 19,
} as const;

/** ISO/IEC 7811-3 name-and-address area (1B). */
export const NAME_AREA = {
  maxLines: 4,
  maxChars: 27,
  /** The area is at most this high, mm. */
  maxHeight: 14.53,
  /** Bottom edge to the area's bottom, mm: between these... */
  bottomMin: 2.41,
  bottomMax: 3.3,
  /** ...and at least this when the card has a magnetic stripe. */
  bottomMinWithStripe: 2.54,
  /** Highest the area can reach: the largest bottom margin plus the largest height. */
  top: 17.83,
} as const;

/**
 * The contact pads of ISO/IEC 7816-2, front view (pad edges commonly cited: columns 10.25–12.25
 * and 17.87–19.87 mm from the left edge, rows from 19.23 mm down from the top edge at a 2.54 mm
 * pitch, each 1.70 mm high). C1–C4 are the left column top to bottom, C5–C8 the right one.
 */
export const CHIP_PADS: readonly { name: string; box: Box }[] = (() => {
  const cols = [10.25, 17.87];
  const pads: { name: string; box: Box }[] = [];
  cols.forEach((x0, c) => {
    for (let r = 0; r < 4; r++) {
      const top = 19.23 + r * 2.54;
      pads.push({ name: `C${c * 4 + r + 1}`, box: { x0, x1: round3(x0 + 2), y0: fromTop(top + 1.7), y1: fromTop(top) } });
    }
  });
  return pads;
})();

/**
 * The contact area standards.md gives (10.25–19.9 mm from the left, 19.2–29.4 mm from the top;
 * commonly cited). Drawn in the preview; it includes C4/C8 and a margin.
 */
export const CHIP_CONTACT_AREA: Box = { x0: 10.25, x1: 19.9, y0: fromTop(29.4), y1: fromTop(19.2) };

/**
 * Where embossing, indenting and front laser marks are refused: the six contacts a payment chip
 * module carries (C1–C3, C5–C7; C4/C8 are unused on payment cards). The whole contact area above
 * reaches down to 24.58 mm, below the top of an ISO line-1 7B character (21.42 + 4.32 = 25.74),
 * so using it would refuse every ISO card number under the chip; the six-contact field ends at
 * 27.97 mm and leaves the usual ~2 mm gap.
 */
export const CHIP_KEEP_OUT: Box = { x0: 10.25, x1: 19.87, y0: fromTop(19.23 + 2 * 2.54 + 1.7), y1: fromTop(19.23) };

/** Magnetic stripe band on the back, measured from the top edge (commonly cited). */
export const STRIPE = {
  topFromTop: 5.54,
  /** Bottom of the band when the card carries tracks 1–2 only. */
  bottomFromTopTracks12: 15.82,
  /** Bottom of the band when track 3 is present (the full 12.7 mm stripe). */
  bottomFromTopTrack3: 18.24,
} as const;

/** The stripe band as a full-width box (the same in either view). */
export function stripeBand(track3: boolean): Box {
  return {
    x0: 0,
    x1: CARD.width,
    y0: fromTop(track3 ? STRIPE.bottomFromTopTrack3 : STRIPE.bottomFromTopTracks12),
    y1: fromTop(STRIPE.topFromTop),
  };
}

/**
 * Signature panel, back view. Not standardized: the station places it under the stripe band
 * (below even a track-3 stripe) and above the back impressions of the line-1 characters
 * (whose tops reach 25.74 mm), with room at its right end for the indented CVV2.
 */
export const SIGNATURE_PANEL: Box = { x0: 5, x1: 60, y0: 27, y1: 34 };

export function boxesOverlap(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

export function boxInside(inner: Box, outer: Box): boolean {
  return inner.x0 >= outer.x0 && inner.x1 <= outer.x1 && inner.y0 >= outer.y0 && inner.y1 <= outer.y1;
}

/** True when the box stays inside the card outline, rounded corners included. */
export function boxOnCard(b: Box): boolean {
  const eps = 1e-9;
  if (b.x0 < -eps || b.y0 < -eps || b.x1 > CARD.width + eps || b.y1 > CARD.height + eps) return false;
  const r = CARD.cornerRadius;
  const corners: [number, number][] = [
    [b.x0, b.y0],
    [b.x1, b.y0],
    [b.x0, b.y1],
    [b.x1, b.y1],
  ];
  for (const [x, y] of corners) {
    const cx = x < r ? r : x > CARD.width - r ? CARD.width - r : x;
    const cy = y < r ? r : y > CARD.height - r ? CARD.height - r : y;
    if ((x - cx) ** 2 + (y - cy) ** 2 > r * r + eps) return false;
  }
  return true;
}
