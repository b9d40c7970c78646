import { DeviceError } from '../errors';
import { classifyPcscCode, pcscCodeName, type PcscErrorCode } from './codes';

export type { PcscErrorCode } from './codes';

// One error type for everything the PC/SC layer can fail with. `code` is the station's class
// (what the engine maps to a card reason and the panel to a state); `pcscCode` keeps the
// daemon's numeric code when there was one. Messages name the reader and the operation,
// never APDU contents.
export class PcscError extends DeviceError {
  declare readonly code: PcscErrorCode;
  constructor(
    code: PcscErrorCode,
    message: string,
    readonly pcscCode?: number,
    readonly reader = 'pcsc',
  ) {
    super(reader, code, message, pcscCode === undefined ? {} : { pcscCode });
    this.name = 'PcscError';
  }
}

/** Wraps a binding failure (numeric code known or not) as a PcscError naming what failed. */
export function pcscErrorFrom(err: unknown, what: string, reader?: string): PcscError {
  if (err instanceof PcscError) return err;
  const pcscCode = (err as { pcscCode?: unknown })?.pcscCode;
  const n = typeof pcscCode === 'number' ? pcscCode >>> 0 : undefined;
  const code = n === undefined ? 'UNKNOWN' : classifyPcscCode(n);
  const where = reader ? `${reader}: ` : '';
  const detail = n === undefined ? ((err as Error)?.message ?? String(err)) : pcscCodeName(n);
  return new PcscError(code, `${where}${what} failed: ${detail}`, n, reader);
}

export function isPcscError(err: unknown, code?: PcscErrorCode): err is PcscError {
  return err instanceof PcscError && (code === undefined || err.code === code);
}
