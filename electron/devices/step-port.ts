import type { CardRecord } from '../../shared/domain/record';
import type { Product, StepKind } from '../../shared/domain/product';
import type { ReasonCode } from '../../shared/domain/reasons';

// The contract between the production engine and a module (a chip head, the encoder, the
// embosser, the laser). A module runs one step on one card and says how it went; it never
// touches the store or the UI. The engine owns retries, transport moves and the card's state.
// The ports live here, beside the drivers that implement them, because drivers never import the
// core; the core names them through electron/core/engine/step.ts.

/** Values a step read back from the card, for crosschecks between modules (PAN, expiry). */
export interface ReadBack {
  pan?: string;
  expiry?: string;
}

export interface StepContext {
  cardId: number;
  batchId: string;
  recordIndex: number;
  /** The full record, secrets included: only device commands may use them. */
  record: CardRecord;
  product: Product;
  /** Which physical slot of the module holds the card (e.g. chip head 2). */
  slot: number;
  attempt: number;
  signal: AbortSignal;
  /** Reports progress of the step, 0..1, with a short note without card data. */
  progress(fraction: number, note?: string): void;
  /** Per-step facts for the card's step log (APDU count, status words…), never data fields. */
  note(facts: Record<string, string | number | boolean>): void;
}

export type StepOutcome =
  | { ok: true; readBack?: ReadBack }
  | { ok: false; reason: ReasonCode; message: string; /** false = never retry this card (e.g. chip auth). */ retryable?: boolean };

export interface StepModule {
  readonly kind: StepKind;
  /** How many cards this module can work on at once (chip heads). */
  readonly slots: number;
  /** Device ids of the devices behind each slot, for the device panel and the log. */
  readonly deviceIds: string[];
  run(ctx: StepContext): Promise<StepOutcome>;
}

/** Moves physical cards between modules: a transport machine, or the operator in manual mode. */
export type Bin = 'good' | 'reject';
export interface CardTransport {
  readonly id: string;
  /** Takes a blank card from the hopper; returns a handle for later moves. */
  feed(ctx: { cardId: number; signal: AbortSignal }): Promise<number>;
  /** Brings the card to a module's slot; resolves when the card is there (e.g. inserted in a reader). */
  moveTo(handle: number, module: StepKind, slot: number, signal: AbortSignal): Promise<void>;
  /** Sends the card to a bin; 'removed' when the card had already left the path by hand (a jammed card taken out). */
  eject(handle: number, bin: Bin, signal: AbortSignal): Promise<void | 'removed'>;
  /** Sends every card in the path to the reject bin (a machine's reset). Absent: cards are taken out by hand. */
  clearPath?(signal: AbortSignal): Promise<void>;
}

export type StepRunOutcome = StepOutcome & { step: StepKind };
export type { StepKind };
