import { readFileSync, statSync } from 'node:fs';
import type { PinSource } from './keystore-device';

// Where the HSM user PIN comes from: a file only its owner can read, an environment variable, or
// the Keys screen at start. The config names the source, never the PIN. The PIN is a JS string
// because pkcs11js's C_Login takes one; it is not key material, and it is never logged.

export class PinFileError extends Error {}

export function pinFromFile(path: string): PinSource {
  return {
    read() {
      let st;
      try {
        st = statSync(path);
      } catch {
        return null;
      }
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0)
        throw new PinFileError(`the PIN file ${path} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); set it to 600`);
      const pin = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
      return pin.length ? pin : null;
    },
    describe: () => `file ${path}`,
  };
}

export function pinFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): PinSource {
  return { read: () => env[name] || null, describe: () => `environment variable ${name}` };
}

/** A PIN entered on the Keys screen; held until the station stops. */
export function pinFromPrompt(): PinSource & { set(pin: string): void } {
  let pin: string | null = null;
  return { read: () => pin, set: (p) => (pin = p), describe: () => 'asked on the Keys screen' };
}
