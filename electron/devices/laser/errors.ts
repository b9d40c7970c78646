import { DeviceError } from '../errors';
import type { ReasonCode } from '../../../shared/domain/reasons';

// Typed errors of the GRBL laser driver. Messages name the line number and the GRBL code, never
// the G-code itself (it is drawn from card data).
export const LASER_ERROR_CODES = ['ALARM', 'OFFLINE', 'TIMEOUT', 'ERROR', 'STALL'] as const;
export type LaserErrorCode = (typeof LASER_ERROR_CODES)[number];

export class LaserError extends DeviceError {
  declare readonly code: LaserErrorCode;
  constructor(device: string, code: LaserErrorCode, message: string, detail: Record<string, string | number> = {}) {
    super(device, code, message, detail);
    this.name = 'LaserError';
  }
}

const REASON_OF: Record<LaserErrorCode, ReasonCode> = {
  ALARM: 'LASER_ALARM',
  OFFLINE: 'LASER_OFFLINE',
  TIMEOUT: 'LASER_TIMEOUT',
  ERROR: 'LASER_ERROR',
  STALL: 'LASER_STALL',
};

export function laserReason(err: unknown): ReasonCode {
  if (err instanceof DeviceError) {
    if (err.code === 'DISCONNECTED') return 'LASER_OFFLINE';
    if ((LASER_ERROR_CODES as readonly string[]).includes(err.code)) return REASON_OF[err.code as LaserErrorCode];
  }
  return 'LASER_ERROR';
}
