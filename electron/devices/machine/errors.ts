import { DeviceError } from '../errors';
import type { ReasonCode } from '../../../shared/domain/reasons';

// Typed errors of the machine driver, and their card reasons. Messages name the command and
// the condition, never card data.
export const MACHINE_ERROR_CODES = ['JAM', 'HOPPER_EMPTY', 'COVER_OPEN', 'RIBBON_OUT', 'OFFLINE', 'TIMEOUT', 'ERROR'] as const;
export type MachineErrorCode = (typeof MACHINE_ERROR_CODES)[number];

export class MachineError extends DeviceError {
  declare readonly code: MachineErrorCode;
  constructor(device: string, code: MachineErrorCode, message: string, detail: Record<string, string | number> = {}) {
    super(device, code, message, detail);
    this.name = 'MachineError';
  }
}

const REASON_OF: Record<MachineErrorCode, ReasonCode> = {
  JAM: 'MACHINE_JAM',
  HOPPER_EMPTY: 'MACHINE_HOPPER_EMPTY',
  COVER_OPEN: 'MACHINE_COVER_OPEN',
  RIBBON_OUT: 'MACHINE_RIBBON_OUT',
  OFFLINE: 'MACHINE_OFFLINE',
  TIMEOUT: 'MACHINE_TIMEOUT',
  ERROR: 'MACHINE_ERROR',
};

/** The card reason for anything the machine driver threw. */
export function machineReason(err: unknown): ReasonCode {
  if (err instanceof DeviceError) {
    if (err.code === 'DISCONNECTED') return 'MACHINE_OFFLINE';
    if ((MACHINE_ERROR_CODES as readonly string[]).includes(err.code)) return REASON_OF[err.code as MachineErrorCode];
  }
  return 'MACHINE_ERROR';
}

/** Maps a wire ERR code to the driver's error code. */
export function errorCodeOfWire(code: string): MachineErrorCode {
  switch (code) {
    case 'JAM':
    case 'HALTED':
      return 'JAM';
    case 'HOPPER_EMPTY':
      return 'HOPPER_EMPTY';
    case 'COVER_OPEN':
      return 'COVER_OPEN';
    case 'RIBBON_OUT':
    case 'FOIL_OUT':
      return 'RIBBON_OUT';
    default:
      return 'ERROR';
  }
}
