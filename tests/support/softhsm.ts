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

export interface P11KitServer {
  address: string;
  pid: number;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** `p11-kit server` serving the token from its own process group (it forks per client). */
export async function startP11KitServer(hsm: SoftHsm): Promise<P11KitServer> {
  const { spawn } = await import('node:child_process');
  const { existsSync, rmSync } = await import('node:fs');
  const sock = join(hsm.dir, 'p11kit.sock');
  let child: import('node:child_process').ChildProcess | null = null;
  const start = async () => {
    rmSync(sock, { force: true });
    child = spawn('p11-kit', ['server', '-f', '--provider', SOFTHSM_MODULE, '-n', sock, `pkcs11:token=${hsm.label}`], { env: { ...process.env, ...hsm.env }, stdio: 'ignore', detached: true });
    for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(sock)) throw new Error('p11-kit server did not start');
  };
  const stop = async () => {
    const c = child as import('node:child_process').ChildProcess | null;
    child = null;
    if (!c || c.exitCode != null) return;
    const gone = new Promise((r) => c.once('exit', r));
    process.kill(-c.pid!, 'SIGTERM');
    await gone;
  };
  await start();
  return {
    address: `unix:path=${sock}`,
    get pid() {
      return (child as import('node:child_process').ChildProcess | null)?.pid ?? 0;
    },
    stop,
    restart: async () => {
      await stop();
      await start();
    },
  };
}
