// PC/SC return codes the station names, and how each one is classified for the engine and the
// device panel. Values from pcsc-lite's pcsclite.h (the same numbers as Windows' winscard).

export const SCARD = {
  F_INTERNAL_ERROR: 0x80100001,
  E_CANCELLED: 0x80100002,
  E_INVALID_HANDLE: 0x80100003,
  E_INVALID_PARAMETER: 0x80100004,
  E_NO_MEMORY: 0x80100006,
  E_INSUFFICIENT_BUFFER: 0x80100008,
  E_UNKNOWN_READER: 0x80100009,
  E_TIMEOUT: 0x8010000a,
  E_SHARING_VIOLATION: 0x8010000b,
  E_NO_SMARTCARD: 0x8010000c,
  E_UNKNOWN_CARD: 0x8010000d,
  E_PROTO_MISMATCH: 0x8010000f,
  E_NOT_READY: 0x80100010,
  E_INVALID_VALUE: 0x80100011,
  F_COMM_ERROR: 0x80100013,
  E_NOT_TRANSACTED: 0x80100016,
  E_READER_UNAVAILABLE: 0x80100017,
  E_NO_SERVICE: 0x8010001d,
  E_SERVICE_STOPPED: 0x8010001e,
  E_NO_READERS_AVAILABLE: 0x8010002e,
  W_UNSUPPORTED_CARD: 0x80100065,
  W_UNRESPONSIVE_CARD: 0x80100066,
  W_UNPOWERED_CARD: 0x80100067,
  W_RESET_CARD: 0x80100068,
  W_REMOVED_CARD: 0x80100069,
} as const;

export type PcscErrorCode =
  | 'CARD_REMOVED'
  | 'READER_GONE'
  | 'NO_SERVICE'
  | 'TIMEOUT'
  | 'SHARING_VIOLATION'
  | 'NO_CARD'
  | 'PROTOCOL'
  | 'UNKNOWN';

const CLASS = new Map<number, PcscErrorCode>([
  [SCARD.W_REMOVED_CARD, 'CARD_REMOVED'],
  [SCARD.W_UNPOWERED_CARD, 'CARD_REMOVED'],
  [SCARD.E_NO_SMARTCARD, 'NO_CARD'],
  [SCARD.W_UNRESPONSIVE_CARD, 'NO_CARD'],
  [SCARD.E_UNKNOWN_READER, 'READER_GONE'],
  [SCARD.E_READER_UNAVAILABLE, 'READER_GONE'],
  [SCARD.E_NO_READERS_AVAILABLE, 'READER_GONE'],
  [SCARD.E_NO_SERVICE, 'NO_SERVICE'],
  [SCARD.E_SERVICE_STOPPED, 'NO_SERVICE'],
  [SCARD.E_INVALID_HANDLE, 'NO_SERVICE'],
  [SCARD.F_COMM_ERROR, 'NO_SERVICE'],
  [SCARD.E_TIMEOUT, 'TIMEOUT'],
  [SCARD.E_SHARING_VIOLATION, 'SHARING_VIOLATION'],
  [SCARD.E_PROTO_MISMATCH, 'PROTOCOL'],
  [SCARD.E_INSUFFICIENT_BUFFER, 'PROTOCOL'],
  [SCARD.W_RESET_CARD, 'PROTOCOL'],
  [SCARD.W_UNSUPPORTED_CARD, 'PROTOCOL'],
  [SCARD.E_UNKNOWN_CARD, 'PROTOCOL'],
  [SCARD.E_NOT_TRANSACTED, 'PROTOCOL'],
]);

/** The station's class of a PC/SC return code. */
export function classifyPcscCode(code: number | undefined): PcscErrorCode {
  return (code !== undefined && CLASS.get(code >>> 0)) || 'UNKNOWN';
}

const NAMES = new Map<number, string>(Object.entries(SCARD).map(([k, v]) => [v, `SCARD_${k}`]));

/** "SCARD_W_REMOVED_CARD (0x80100069)" for messages; unknown codes as hex only. */
export function pcscCodeName(code: number): string {
  const hex = '0x' + (code >>> 0).toString(16).toUpperCase().padStart(8, '0');
  const n = NAMES.get(code >>> 0);
  return n ? `${n} (${hex})` : hex;
}

/** Reads the PC/SC code out of a pcsclite error text such as "SCardTransmit error: Card was removed.(0x80100069)". */
export function pcscCodeFromMessage(message: string): number | undefined {
  const m = /\(0x([0-9a-fA-F]{8})\)/.exec(message);
  return m ? parseInt(m[1], 16) >>> 0 : undefined;
}
