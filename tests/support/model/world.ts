import type { SimLine } from '../../../electron/sim/line';
import type { SimCard } from '../../../electron/sim/world';
import type { BlankCard } from '../../../electron/sim/card/blank-card';

// What the simulated world holds at the end of a shift, read from the emulators' side only:
// every blank card that left the hopper, where it is, and whose data it carries (found by the
// record's PAN in the chip's DGIs, on the stripe, or struck on the surface).
export type Where = 'good' | 'reject' | 'removed' | 'path' | 'lost';

export interface PhysicalCard {
  serial: number;
  where: Where;
  /** Machine position while in the path (CHIP:0, ENCODER, …). */
  pos: string | null;
  /** PANs of the records whose data is on this card, each with where it was found. */
  data: Map<string, { chip: boolean; stripe: boolean; surface: boolean }>;
}

export function dataOn(card: SimCard, pans: readonly string[]): PhysicalCard['data'] {
  const out: PhysicalCard['data'] = new Map();
  const chipHex = card.chip ? (card.chip as BlankCard).inspect().apps.flatMap((a) => [...a.dgis.values()].map((v) => v.toString('hex').toUpperCase())).join('|') : '';
  const surface = card.surface.map((m) => String(m.detail.text ?? '').replace(/\s+/g, '')).join('|');
  for (const pan of pans) {
    const f = { chip: chipHex.includes(pan), stripe: card.stripe.tracks.some((t) => !!t && t.includes(pan)), surface: surface.includes(pan) };
    if (f.chip || f.stripe || f.surface) out.set(pan, f);
  }
  return out;
}

export function readWorld(line: SimLine, pans: readonly string[]): PhysicalCard[] {
  const m = line.machine!;
  const at = new Map<number, { where: Where; pos: string | null }>();
  for (const c of m.bins.good) at.set(c.serial, { where: 'good', pos: null });
  for (const c of m.bins.reject) at.set(c.serial, { where: 'reject', pos: null });
  for (const c of m.bins.removed) at.set(c.serial, { where: 'removed', pos: null });
  for (const c of m.cardsInPath()) at.set(c.serial, { where: 'path', pos: c.pos });
  return [...line.cards.values()].map((card) => ({ serial: card.serial, ...(at.get(card.serial) ?? { where: 'lost' as const, pos: null }), data: dataOn(card, pans) }));
}
