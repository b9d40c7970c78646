import type { Bin, CardTransport, StepModule } from '../engine/step';
import type { StepKind } from '../../../shared/domain/product';
import { isCardSensor, type CardSensor } from './card-sensor';

// A desktop workstation has no transport machine: the operator carries each card from device
// to device. This transport turns every move into a prompt ("put the card in the encoder") and
// resolves it when the device sees the card (a chip reader) or when the operator confirms it
// (the encoder, the laser jig, the trays: they cannot tell). A place is prompted only once the
// card before it has left, so the prompts come in the order the hands must follow.

export type ManualInstruction = 'place' | 'move' | 'good-tray' | 'reject-tray';

export interface ManualPrompt {
  promptId: string;
  cardId: number;
  /** 'place': a blank card goes into the device; 'move': the card goes from where it is into it. */
  instruction: ManualInstruction;
  step: StepKind | null;
  deviceId: string | null;
  slot: number | null;
  /** false when the device itself tells the station the card is there (a chip reader). */
  needsConfirmation: boolean;
  since: number;
}

export type ManualChange = { type: 'added' | 'resolved' | 'cancelled'; prompt: ManualPrompt };

export class ManualPromptError extends Error {
  constructor(readonly code: 'NOT_FOUND' | 'NOT_CONFIRMABLE', message: string) {
    super(message);
    this.name = 'ManualPromptError';
  }
}

export interface ManualTransportOptions {
  /** The station's modules, read when a card moves (the factory fills it after building this). */
  modules: Partial<Record<StepKind, Pick<StepModule, 'deviceIds'>>>;
  /** The station's devices, read when a card moves; readers among them sense the card. */
  devices: readonly unknown[];
  now?: () => number;
}

interface Pending {
  prompt: ManualPrompt;
  confirm: (() => void) | null;
}

interface Place {
  occupant: number | null;
  /** Resolved whenever the place is vacated. */
  waiters: Set<() => void>;
}

export class ManualTransport implements CardTransport {
  readonly id = 'manual';
  private nextHandle = 0;
  private nextPrompt = 0;
  private readonly cards = new Map<number, { cardId: number; at: string | null }>();
  private readonly places = new Map<string, Place>();
  private readonly pendingById = new Map<string, Pending>();
  private readonly listeners = new Set<(c: ManualChange) => void>();
  private readonly now: () => number;

  constructor(private readonly o: ManualTransportOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Subscribes to prompt changes; returns its own cleanup. */
  onChange(cb: (c: ManualChange) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** The prompts waiting for the operator, oldest first. */
  pending(): ManualPrompt[] {
    return [...this.pendingById.values()].map((p) => ({ ...p.prompt }));
  }

  /** The operator says the card is where the prompt asked. */
  confirm(promptId: string): ManualPrompt {
    const p = this.pendingById.get(promptId);
    if (!p) throw new ManualPromptError('NOT_FOUND', `no pending prompt ${promptId}`);
    if (!p.confirm) throw new ManualPromptError('NOT_CONFIRMABLE', `prompt ${promptId}: ${p.prompt.deviceId ?? 'the device'} sees the card itself; put the card in it`);
    p.confirm();
    return { ...p.prompt };
  }

  async feed(ctx: { cardId: number; signal: AbortSignal }): Promise<number> {
    ctx.signal.throwIfAborted();
    // Nothing to prompt yet: taking a blank card is part of placing it in the first device.
    const handle = ++this.nextHandle;
    this.cards.set(handle, { cardId: ctx.cardId, at: null });
    return handle;
  }

  async moveTo(handle: number, module: StepKind, slot: number, signal: AbortSignal): Promise<void> {
    const card = this.card(handle);
    const deviceId = this.o.modules[module]?.deviceIds[slot] ?? this.o.modules[module]?.deviceIds[0] ?? null;
    const key = `${module}:${slot}`;
    await this.vacated(key, handle, signal);
    const sensor = deviceId ? (this.o.devices.find((d) => isCardSensor(d) && d.id === deviceId) as CardSensor | undefined) : undefined;
    const base = { cardId: card.cardId, instruction: card.at === null ? 'place' : 'move', step: module, deviceId, slot } as const;
    if (sensor) await this.sensed(base, sensor, signal);
    else await this.confirmed(base, signal);
    this.leave(handle);
    card.at = key;
    this.place(key).occupant = handle;
  }

  async eject(handle: number, bin: Bin, signal: AbortSignal): Promise<void> {
    const card = this.card(handle);
    // A card never placed was never taken from the stock: there is nothing to put in a tray.
    if (card.at !== null) await this.confirmed({ cardId: card.cardId, instruction: bin === 'good' ? 'good-tray' : 'reject-tray', step: null, deviceId: null, slot: null }, signal);
    this.leave(handle);
    this.cards.delete(handle);
  }

  private card(handle: number): { cardId: number; at: string | null } {
    const c = this.cards.get(handle);
    if (!c) throw new Error(`manual transport: unknown card handle ${handle}`);
    return c;
  }

  private place(key: string): Place {
    let p = this.places.get(key);
    if (!p) this.places.set(key, (p = { occupant: null, waiters: new Set() }));
    return p;
  }

  private leave(handle: number): void {
    const c = this.cards.get(handle);
    if (!c?.at) return;
    const p = this.place(c.at);
    c.at = null;
    if (p.occupant !== handle) return;
    p.occupant = null;
    for (const w of [...p.waiters]) w();
  }

  /** Waits until no other card is in the place. */
  private async vacated(key: string, handle: number, signal: AbortSignal): Promise<void> {
    const p = this.place(key);
    while (p.occupant !== null && p.occupant !== handle) {
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          p.waiters.delete(done);
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          p.waiters.delete(done);
          reject(signal.reason);
        };
        if (signal.aborted) return reject(signal.reason);
        p.waiters.add(done);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  private open(base: Omit<ManualPrompt, 'promptId' | 'needsConfirmation' | 'since'>, needsConfirmation: boolean): Pending {
    const prompt: ManualPrompt = { promptId: `p${++this.nextPrompt}`, ...base, needsConfirmation, since: this.now() };
    const p: Pending = { prompt, confirm: null };
    this.pendingById.set(prompt.promptId, p);
    this.tell({ type: 'added', prompt: { ...prompt } });
    return p;
  }

  private close(p: Pending, how: 'resolved' | 'cancelled'): void {
    if (!this.pendingById.delete(p.prompt.promptId)) return;
    p.confirm = null;
    this.tell({ type: how, prompt: { ...p.prompt } });
  }

  private confirmed(base: Omit<ManualPrompt, 'promptId' | 'needsConfirmation' | 'since'>, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const p = this.open(base, true);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.close(p, 'cancelled');
        reject(signal.reason);
      };
      p.confirm = () => {
        signal.removeEventListener('abort', onAbort);
        this.close(p, 'resolved');
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async sensed(base: Omit<ManualPrompt, 'promptId' | 'needsConfirmation' | 'since'>, sensor: CardSensor, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const p = this.open(base, false);
    try {
      // A card already in the reader is not this one (a card left from before, or the last card):
      // only a card put in after the prompt counts.
      await sensor.waitForCardRemoved({ signal });
      await sensor.waitForCard({ signal });
    } catch (e) {
      this.close(p, 'cancelled');
      throw e;
    }
    this.close(p, 'resolved');
  }

  private tell(c: ManualChange): void {
    for (const l of this.listeners) {
      try {
        l(c);
      } catch {
        // A broken listener must not stop a card.
      }
    }
  }
}
