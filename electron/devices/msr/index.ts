// The magnetic-stripe encoder: an MSR206/MSR605-protocol driver and the magstripe step module.
import { openSerialPort } from '../serial/link';
import { MsrEncoder, type MsrEncoderOptions } from './driver';

export { MsrEncoder, createMsrEncoder, type Coercivity, type MsrEncoderOptions } from './driver';
export { createMagstripeModule, reasonOf, failureOf, type MagstripeModuleOptions } from './module';
export { MSR_ERROR, statusError, type MsrErrorCode } from './status';
export type { Tracks } from './protocol';

/** An encoder on a serial port or pty (MSR605: 9600 8N1). Call start() to bring it online. */
export async function msrEncoderOnPort(opts: Omit<MsrEncoderOptions, 'link'> & { path: string; baudRate?: number }): Promise<MsrEncoder> {
  const link = await openSerialPort({ path: opts.path, baudRate: opts.baudRate ?? 9600 });
  return new MsrEncoder({ ...opts, link });
}
