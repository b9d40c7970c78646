import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A SoftHSM2 token in a temporary directory for one test file or bench: its own config file
// (SOFTHSM2_CONF), an initialized token, the user PIN in a 0600 file. Set `env` on a child process,
// or call use() to point this process at it before the module is loaded.

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const P11KIT_CLIENT = '/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so';

export interface SoftHsm {
  dir: string;
  conf: string;
  label: string;
  pin: string;
  pinFile: string;
  env: Record<string, string>;
  use(): void;
  remove(): void;
}

export function createSoftHsm(label = 'perso-test', pin = '123456'): SoftHsm {
  const dir = mkdtempSync(join(tmpdir(), 'perso-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const env = { SOFTHSM2_CONF: conf };
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', '87654321'], { env: { ...process.env, ...env }, stdio: 'pipe' });
  const pinFile = join(dir, 'user.pin');
  writeFileSync(pinFile, pin + '\n', { mode: 0o600 });
  return {
    dir, conf, label, pin, pinFile, env,
    use: () => {
      process.env.SOFTHSM2_CONF = conf;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
