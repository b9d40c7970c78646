// The physical world the simulators share: blank cards that carry a chip, a stripe and marks on
// their surface, and the positions the machine moves them between. Each emulator only sees the
// card at its own position, as real devices do.

export interface StripeMedium {
  /** Raw track contents as encoded (without sentinels/LRC: the emulator keeps what the protocol carries). */
  tracks: [string | null, string | null, string | null];
  coercivity: 'hi' | 'lo' | null;
}

export interface SurfaceMark {
  kind: 'emboss' | 'indent' | 'laser' | 'topping';
  side: 'front' | 'back';
  /** Free-form description the emulator recorded (font, position, text or toolpath id). */
  detail: Record<string, unknown>;
}

export interface SimCard {
  /** The blank card's serial number (printed on the stock). */
  serial: number;
  /** The chip, as the card simulator exposes it (see electron/sim/card). Null for stripe-only stock. */
  chip: unknown;
  stripe: StripeMedium;
  surface: SurfaceMark[];
}

export function blankStripe(): StripeMedium {
  return { tracks: [null, null, null], coercivity: null };
}
