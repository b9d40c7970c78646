import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes, scryptSync } from 'node:crypto';

// Where the key-encryption key comes from. It is never in the code: it is derived with scrypt
// from either a passphrase given through the environment (PERSO_KEYSTORE_PASSPHRASE, or the
// `passphrase` option), or a random station secret file created on first run with mode 0600 in
// the data directory. The salt lives in the database, so the secret file alone or the database
// alone is not enough to decrypt the keys.

export const PASSPHRASE_ENV = 'PERSO_KEYSTORE_PASSPHRASE';
const KEK_SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export interface KekSource {
  /** Path of the station secret file (created with mode 0600 when missing). */
  secretFile?: string;
  /** Passphrase instead of a secret file (at least 16 characters). */
  passphrase?: string;
  /** Environment to read PERSO_KEYSTORE_PASSPHRASE from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export class KekError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KekError';
  }
}

/** The secret material the KEK is derived from, and a description of where it came from. */
export function loadSecret(src: KekSource): { secret: Buffer; from: 'passphrase' | 'env' | 'file' } {
  const env = src.env ?? process.env;
  const pass = src.passphrase ?? env[PASSPHRASE_ENV];
  if (pass != null && pass !== '') {
    if (pass.length < 16) throw new KekError(`the key store passphrase needs at least 16 characters`);
    return { secret: Buffer.from(pass.normalize('NFC'), 'utf8'), from: src.passphrase != null ? 'passphrase' : 'env' };
  }
  if (!src.secretFile) throw new KekError(`no key-encryption secret: give a secret file path or set ${PASSPHRASE_ENV}`);
  const path = src.secretFile;
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(32).toString('hex') + '\n');
    } finally {
      closeSync(fd);
    }
  }
  const st = statSync(path);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new KekError(`station secret file ${path} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); set it to 600`);
  }
  const hex = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new KekError(`station secret file ${path} is damaged (expected 64 hex digits)`);
  return { secret: Buffer.from(hex, 'hex'), from: 'file' };
}

export function deriveKek(secret: Buffer, salt: Buffer): Buffer {
  return scryptSync(secret, salt, 32, KEK_SCRYPT);
}
