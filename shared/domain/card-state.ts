import type { ReasonCode } from './reasons';
import type { StepKind } from './product';

// The life of one physical card (one attempt at one record). A record whose card failed is
// tried again only on a new blank card, after a supervisor decided "rework".
export const CARD_STATES = ['queued', 'held', 'in_progress', 'passed', 'failed', 'rejected', 'reworked'] as const;
export type CardState = (typeof CARD_STATES)[number];

/** Where a card is while in progress: a step, or moving/ejecting. */
export type CardStep = StepKind | 'feed' | 'eject';

const ALLOWED: Record<CardState, readonly CardState[]> = {
  queued: ['in_progress', 'held'],
  held: ['queued'],
  // back to queued only when the feed produced no card (hopper empty): nothing physical exists yet.
  in_progress: ['in_progress', 'passed', 'failed', 'queued'],
  passed: [],
  // passed: "set good" by a supervisor who inspected it (only when its chip and stripe steps passed).
  failed: ['rejected', 'reworked', 'passed'],
  rejected: [],
  reworked: [],
};

export function canTransition(from: CardState, to: CardState): boolean {
  return ALLOWED[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(readonly from: CardState, readonly to: CardState, readonly cardId: number) {
    super(`card ${cardId}: cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function assertTransition(cardId: number, from: CardState, to: CardState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to, cardId);
}

export function isTerminal(s: CardState): boolean {
  return s === 'passed' || s === 'rejected' || s === 'reworked';
}

export interface CardFailure {
  reason: ReasonCode;
  message: string;
  step: CardStep | null;
}
