import { isReasonCode, type ReasonCode } from '../../../shared/domain/reasons';

// What a chip personalization hands back to the step module: the read-back values for the
// crosschecks, or a reason with a message that names the step and status word, never data.

export interface ChipLog {
  apdus: number;
  ms: number;
  /** Status word of every command in order, e.g. "9000" (no data). */
  statusWords: string[];
  failedStep?: string;
}

export type ChipResult =
  | { ok: true; readBack: { pan: string; expiry: string }; log: ChipLog }
  | { ok: false; reason: ReasonCode; message: string; retryable: boolean; log: ChipLog };

/** A failure raised inside a personalization run and turned into a ChipResult at its end. */
export class ChipFailure extends Error {
  constructor(
    readonly reason: ReasonCode,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ChipFailure';
  }
}

/**
 * Errors of the reader service carry a `code`. Only the code goes into the message: the
 * reader's own text is not ours to vouch for.
 */
export function failureFromTransportError(err: unknown, step: string): ChipFailure {
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  switch (code) {
    case 'CARD_REMOVED':
    case 'REMOVED_CARD':
    case 'NO_SMARTCARD':
      return new ChipFailure('CHIP_CARD_REMOVED', `card left the reader during ${step}`, false);
    case 'TIMEOUT':
      return new ChipFailure('CHIP_TIMEOUT', `no answer from the card to ${step} in time`, true);
    case 'READER_GONE':
    case 'NO_SERVICE':
    case 'NO_READERS':
    case 'READER_UNAVAILABLE':
    case 'SHARING_VIOLATION':
    case 'RESET_CARD':
      return new ChipFailure('CHIP_READER_UNAVAILABLE', `reader not available during ${step} (${code})`, true);
    default:
      return new ChipFailure('INTERNAL', `${step}: the reader failed (${code || 'unknown error'})`, false);
  }
}

/** An aborted run ends with the reason the engine aborted with, when it gave one. */
export function failureFromAbort(signal: AbortSignal, step: string): ChipFailure {
  const r = signal.reason as unknown;
  const code = typeof r === 'string' ? r : typeof (r as { code?: unknown })?.code === 'string' ? (r as { code: string }).code : '';
  const reason: ReasonCode = code && isReasonCode(code) ? code : 'OPERATOR_STOP';
  return new ChipFailure(reason, `personalization stopped before ${step}`, false);
}
