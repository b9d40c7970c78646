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
    // A stop cancels a FEED that has not gone out (waiting its turn, or for a pulled cable to come
    // back); once sent, the driver waits for its answer whatever the signal says: the machine takes
    // a blank either way, and giving up on the answer would leave that blank at the input unrecorded.
    if (ctx.signal.aborted) throw new MachineError(this.machine.id, 'ERROR', `${this.machine.id}: FEED cancelled`, { sent: 0 });
    const handle = await this.machine.feed(ctx.signal);
    this.cards.set(handle, ctx.cardId);
    return handle;
  }

  async moveTo(handle: number, module: StepKind, slot: number, signal: AbortSignal): Promise<void> {
    await this.machine.move(handle, MODULE_OF_STEP[module], slot, signal);
  }

  async eject(handle: number, bin: Bin, signal: AbortSignal): Promise<void | 'removed'> {
    // A card that jammed and that the operator took out (RECOVER named it lost) is not in the
    // machine: nothing to eject, it is in the operator's hands.
    if (this.machine.wasRemoved(handle)) {
      this.cards.delete(handle);
      return 'removed';
    }
    await this.machine.eject(handle, bin === 'good' ? 'GOOD' : 'REJECT', signal);
    this.cards.delete(handle);
  }

  /** The engine card id behind a machine handle, if this transport fed it. */
  cardOf(handle: number): number | undefined {
    return this.cards.get(handle);
  }
}
