import type { MemoryLinkFarEnd } from '../devices/serial/link';
import { MachineEmulator } from './machine/emulator';
import { EncoderEmulator, portOnMemoryLink } from './msr/emulator';
import { GrblEmulator } from './laser/emulator';
import { blankStripe, type SimCard } from './world';
import { createBlankCard, type BlankCard, type BlankCardOptions } from './card/blank-card';
import { connectToVpcd, type VpcdConnection } from './vpcd/vpcd-client';
import type { SimIssuer } from './issuer';

// The simulated personalization line, in-process: the machine feeds blank cards from the stock
// and moves them; a card moved to chip station N goes into reader N (an in-process reader, or
// pcscd's vpcd slot N); the stripe encoder works on the card at its position; the laser burns.
// Each emulator sits at the far end of its driver's cable.
export interface ChipHeads {
  insert(slot: number, chip: BlankCard): Promise<void>;
  remove(slot: number): Promise<void>;
}

export interface SimLineOptions {
  timeScale: number;
  issuer: SimIssuer;
  chipStations: number;
  chipHeads?: ChipHeads;
}

export class SimLine {
  machine: MachineEmulator | null = null;
  encoder: EncoderEmulator | null = null;
  laser: GrblEmulator | null = null;
  /** Every blank card the machine took from the stock, by serial (tests inspect them afterwards). */
  readonly cards = new Map<number, SimCard>();
  /** Fault injection: what is different about the blank card with this serial (faults, another ATR, other keys). */
  cardOverrides: ((serial: number) => Partial<BlankCardOptions> | undefined) | null = null;
  private readonly closers: (() => void)[] = [];
  constructor(private readonly o: SimLineOptions) {}

  newBlankCard = (serial: number): SimCard => {
    const c = this.o.issuer.chip;
    const over = this.cardOverrides?.(serial) ?? {};
    const chip = c
      ? createBlankCard({
          serial, masterKey: Buffer.from(c.masterKeyHex, 'hex'), keyAlgorithm: c.keyAlgorithm, scp: c.scp, diversification: c.diversification,
          issuerDek: Buffer.from(c.issuerDekHex, 'hex'),
          // A personalization is about a dozen APDUs; spread the card's time over them.
          faults: { ...(c.cardSeconds ? { slow: { perApduMs: (c.cardSeconds * 1000) / 12 } } : {}), ...(over.faults ?? {}) },
          timeScale: this.o.timeScale,
          ...(over.masterKey ? { masterKey: over.masterKey } : {}),
          ...(over.atr ? { atr: over.atr } : {}),
        })
      : null;
    const card: SimCard = { serial, chip, stripe: blankStripe(), surface: [] };
    this.cards.set(serial, card);
    return card;
  };

  attachMachine(far: MemoryLinkFarEnd): void {
    const heads = this.o.chipHeads;
    this.machine = new MachineEmulator(portOnMemoryLink(far), {
      timeScale: this.o.timeScale,
      hopper: 100_000,
      chipStations: Math.max(1, this.o.chipStations),
      newBlankCard: this.newBlankCard,
      onChipStation: heads ? (slot, card) => (card && card.chip ? heads.insert(slot, card.chip as BlankCard) : heads.remove(slot)) : undefined,
    });
    this.closers.push(() => this.machine?.close());
  }

  attachEncoder(far: MemoryLinkFarEnd): void {
    // Blank cards listed as defective have a stripe that cannot be written.
    const defective = new Set(this.o.issuer.defectiveSerials);
    const getCard = this.machine
      ? () => {
          const c = this.machine!.cardAt('encoder');
          if (this.encoder && defective.size) this.encoder.faults.writeError = !!c && defective.has(c.serial);
          return c;
        }
      : undefined;
    this.encoder = new EncoderEmulator(portOnMemoryLink(far), { getCard, delays: this.o.timeScale ? 'realistic' : 'none', timeScale: this.o.timeScale || 1 });
  }

  attachLaser(far: MemoryLinkFarEnd): void {
    this.laser = new GrblEmulator(portOnMemoryLink(far), { timeScale: this.o.timeScale });
  }

  close(): void {
    for (const c of this.closers) c();
  }
}

/**
 * Chip heads that are pcscd's vpcd slots: the card connects as a vpcd client to port 35963+N.
 * Taking a card out lasts as long as pcscd needs to notice (it polls every 400 ms), as a physical
 * card leaving a reader does; otherwise a fast swap would look like one card that never left.
 */
export function vpcdHeads(host = '127.0.0.1', basePort = 35963, leaveMs = 450): ChipHeads & { close(): Promise<void> } {
  const conns = new Map<number, VpcdConnection>();
  const remove = async (slot: number) => {
    const c = conns.get(slot);
    if (!c) return;
    conns.delete(slot);
    await c.remove();
    await new Promise((r) => setTimeout(r, leaveMs));
  };
  return {
    async insert(slot, chip) {
      await remove(slot);
      conns.set(slot, await connectToVpcd(chip, { host, port: basePort + slot }));
    },
    remove,
    async close() {
      for (const c of conns.values()) await c.remove().catch(() => undefined);
      conns.clear();
    },
  };
}
