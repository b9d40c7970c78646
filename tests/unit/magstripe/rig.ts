import { createMemoryLink } from '../../../electron/devices/serial/link';
import { MsrEncoder, type MsrEncoderOptions } from '../../../electron/devices/msr/driver';
import { EncoderEmulator, portOnMemoryLink, type EncoderEmulatorOptions } from '../../../electron/sim/msr/emulator';

// The driver on an in-memory cable with the emulator on the far end, with short timeouts.
export function rig(emOpts: EncoderEmulatorOptions = {}, drvOpts: Partial<MsrEncoderOptions> = {}) {
  const { link, far } = createMemoryLink('mem:msr');
  const emu = new EncoderEmulator(portOnMemoryLink(far), emOpts);
  const enc = new MsrEncoder({ id: 'msr1', link, commandTimeoutMs: 150, cardTimeoutMs: 250, reopenMs: 20, ...drvOpts });
  return { link, far, emu, enc };
}

export async function waitFor(what: string, cond: () => boolean, ms = 2000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
