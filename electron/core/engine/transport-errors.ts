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
