import type { CardTransport, Bin, StepKind } from '../../electron/core/engine/step';

// A card transport for engine unit tests that keeps the physics a real machine has: one card per
// position, a move into an occupied position answers BUSY (as the machine does), and it knows
// where every card it fed is, so a test can ask the world rather than the engine.
export class BusyError extends Error {
  constructor(msg: string) {
    super(msg);
    this.name = 'BusyError';
  }
}

export class PhysicalTransport implements CardTransport {
  readonly id = 'machine';
  private next = 0;
  /** Position ("input", "emboss:0", …) of every card still in the path, by handle. */
  readonly at = new Map<number, string>();
  readonly bins: Record<Bin, number[]> = { good: [], reject: [] };
  readonly busy: string[] = [];
  /** Called just before a card leaves the hopper (tests record the world at that moment). */
  onFeed: () => void = () => undefined;
  resets = 0;

  private occupant(pos: string): number | undefined {
    for (const [h, p] of this.at) if (p === pos) return h;
    return undefined;
  }

  async feed(): Promise<number> {
    const there = this.occupant('input');
    if (there !== undefined) {
      this.busy.push(`FEED: card ${there} at the input`);
      throw new BusyError(`FEED failed with BUSY: a card is still at the input`);
    }
    this.onFeed();
    const h = ++this.next;
    this.at.set(h, 'input');
    return h;
  }

  async moveTo(handle: number, module: StepKind, slot: number): Promise<void> {
    const pos = `${module}:${slot}`;
    const there = this.occupant(pos);
    if (there !== undefined && there !== handle) {
      this.busy.push(`MOVE ${handle}: card ${there} is at ${pos}`);
      throw new BusyError(`MOVE failed with BUSY: card ${there} is at ${pos}`);
    }
    await new Promise((r) => setImmediate(r));
    this.at.set(handle, pos);
  }

  async eject(handle: number, bin: Bin): Promise<void> {
    this.at.delete(handle);
    this.bins[bin].push(handle);
  }

  /** The machine's RESET: every card in the path goes to the reject bin. */
  async clearPath(): Promise<void> {
    this.resets++;
    for (const h of this.at.keys()) this.bins.reject.push(h);
    this.at.clear();
  }
}
