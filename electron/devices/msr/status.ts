import { DeviceError } from '../errors';
import { STATUS } from './protocol';

// Every status byte the encoder can answer, as a stable error code and plain words. The codes
// are what the magstripe module maps to card reasons (see module.ts).

export const MSR_ERROR = {
  READ_WRITE_ERROR: 'READ_WRITE_ERROR',
  COMMAND_FORMAT: 'COMMAND_FORMAT',
  INVALID_COMMAND: 'INVALID_COMMAND',
  NO_CARD: 'NO_CARD',
  ERASE_FAILED: 'ERASE_FAILED',
  UNKNOWN_STATUS: 'UNKNOWN_STATUS',
  UNEXPECTED_ANSWER: 'UNEXPECTED_ANSWER',
  /** An answer that does not follow the manual's framing. */
  PROTOCOL: 'PROTOCOL',
  OFFLINE: 'OFFLINE',
  CLOSED: 'CLOSED',
} as const;
export type MsrErrorCode = (typeof MSR_ERROR)[keyof typeof MSR_ERROR];

const BY_STATUS: Record<number, { code: MsrErrorCode; words: string }> = {
  [STATUS.readWriteError]: { code: 'READ_WRITE_ERROR', words: 'read/write error' },
  [STATUS.commandFormatError]: { code: 'COMMAND_FORMAT', words: 'command format error' },
  [STATUS.invalidCommand]: { code: 'INVALID_COMMAND', words: 'invalid command' },
  // The encoder's "invalid card swipe": no card passed the head, or it passed badly.
  [STATUS.invalidSwipe]: { code: 'NO_CARD', words: 'no card or invalid card swipe' },
  0x41: { code: 'ERASE_FAILED', words: 'erase failed' },
};

export function hex2(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

/** The error for a non-ok status byte answered to `what` (a command name, never data). */
export function statusError(device: string, what: string, status: number): DeviceError {
  const known = BY_STATUS[status];
  const code = known?.code ?? 'UNKNOWN_STATUS';
  const words = known?.words ?? 'unknown status';
  return new DeviceError(device, code, `${device}: ${what} failed: ${words} (status ${hex2(status)})`, { status: hex2(status), command: what });
}
