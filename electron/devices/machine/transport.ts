import type { Bin, CardTransport, StepKind } from '../step-port';
import type { MachineDriver } from './driver';
import type { MachineModule } from './protocol';
import { MachineError } from './errors';

// The engine's CardTransport on the machine: step kinds map to machine modules, and the card
// handles the machine hands out are what the engine carries between moves.
export const MODULE_OF_STEP: Record<StepKind, MachineModule> = {
  chip: 'CHIP',
  magstripe: 'ENCODER',
  emboss: 'EMBOSS',
  laser: 'LASER',
};

export class MachineTransport implements CardTransport {
  readonly id: string;
  /** Which machine card handle carries which engine card, for the log and the device panel. */
  private readonly cards = new Map<number, number>();

  constructor(private readonly machine: MachineDriver) {
    this.id = machine.id;
  }

  async feed(ctx: { cardId: number; signal: AbortSignal }): Promise<number> {
    // Once FEED is sent the machine takes a blank: giving up on its answer would leave that blank
    // at the input with no record of it. A stop before the command still cancels it.
    if (ctx.signal.aborted) throw new MachineError(this.machine.id, 'ERROR', `${this.machine.id}: FEED cancelled`);
    const handle = await this.machine.feed();
    this.cards.set(handle, ctx.cardId);
    return handle;
  }

  async moveTo(handle: number, module: StepKind, slot: number, signal: AbortSignal): Promise<void> {
    await this.machine.move(handle, MODULE_OF_STEP[module], slot, signal);
  }

  async eject(handle: number, bin: Bin, signal: AbortSignal): Promise<void> {
    await this.machine.eject(handle, bin === 'good' ? 'GOOD' : 'REJECT', signal);
    this.cards.delete(handle);
  }

  /** The engine card id behind a machine handle, if this transport fed it. */
  cardOf(handle: number): number | undefined {
    return this.cards.get(handle);
  }
}
