import type { ReasonCode } from '../../../shared/domain/reasons';
import { DeviceError } from '../../devices/errors';

const BY_CODE: Record<string, ReasonCode> = {
  JAM: 'MACHINE_JAM', HOPPER_EMPTY: 'MACHINE_HOPPER_EMPTY', COVER_OPEN: 'MACHINE_COVER_OPEN', RIBBON_OUT: 'MACHINE_RIBBON_OUT',
  OFFLINE: 'MACHINE_OFFLINE', DISCONNECTED: 'MACHINE_OFFLINE', TIMEOUT: 'MACHINE_TIMEOUT',
};

/** Maps a card-transport failure to a card reason. */
export function transportFailure(e: unknown, during: string): { reason: ReasonCode; message: string } {
  if (e instanceof DeviceError) {
    const reason = BY_CODE[e.code] ?? 'MACHINE_ERROR';
    return { reason, message: `${during}: ${e.message}` };
  }
  return { reason: 'MACHINE_ERROR', message: `${during}: the card transport failed (${(e as Error)?.name ?? 'error'})` };
}

/** The transport says the command never went out (cancelled while waiting its turn, or while its port was away): the machine did nothing for it. */
export function neverSent(e: unknown): boolean {
  return e instanceof DeviceError && e.detail.sent === 0;
}

/** The command went out and its answer was lost (the cable went): what the machine did is not known. */
export function answerLost(e: unknown): boolean {
  return e instanceof DeviceError && e.detail.sent === 1;
}

/**
 * The transport handle of the card a jam took during this command, when the machine named it: a
 * FEED that jammed at the hopper took a blank for the card, which has to be accounted for.
 */
export function jammedHandle(e: unknown): number | null {
  return e instanceof DeviceError && typeof e.detail.jammed === 'number' ? e.detail.jammed : null;
}
