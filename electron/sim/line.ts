import type { MemoryLinkFarEnd } from '../devices/serial/link';
import { MachineEmulator } from './machine/emulator';
import { EncoderEmulator, portOnMemoryLink } from './msr/emulator';
import { GrblEmulator } from './laser/emulator';

// The simulated personalization line, in-process: the machine that feeds and moves blank cards,
// the stripe encoder that works on the card at its position, and the laser. Each sits at the
// far end of its driver's memory cable.
export class SimLine {
  machine: MachineEmulator | null = null;
  encoder: EncoderEmulator | null = null;
  laser: GrblEmulator | null = null;
  private readonly closers: (() => void)[] = [];
  constructor(private readonly opts: { timeScale: number; defectiveSerials?: number[] }) {}

  attachMachine(far: MemoryLinkFarEnd): void {
    this.machine = new MachineEmulator(portOnMemoryLink(far), { timeScale: this.opts.timeScale, hopper: 100_000, chipStations: 4 });
    this.closers.push(() => this.machine?.close());
  }

  attachEncoder(far: MemoryLinkFarEnd): void {
    // With a machine, the encoder works on the card the machine brought; alone, on its own card.
    // Blank cards listed as defective have a stripe that cannot be written.
    const defective = new Set(this.opts.defectiveSerials ?? []);
    const getCard = this.machine
      ? () => {
          const c = this.machine!.cardAt('encoder');
          if (this.encoder && defective.size) this.encoder.faults.writeError = !!c && defective.has(c.serial);
          return c;
        }
      : undefined;
    this.encoder = new EncoderEmulator(portOnMemoryLink(far), { getCard, delays: this.opts.timeScale ? 'realistic' : 'none', timeScale: this.opts.timeScale || 1 });
  }

  attachLaser(far: MemoryLinkFarEnd): void {
    this.laser = new GrblEmulator(portOnMemoryLink(far), { timeScale: this.opts.timeScale });
  }

  close(): void {
    for (const c of this.closers) c();
  }
}
