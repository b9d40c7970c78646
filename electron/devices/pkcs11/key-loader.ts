import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TokenError, classifyCkr, type TokenKeyAlgorithm } from './token';
import type { KeyLoader } from './hsm-keys';
import { secureBuffer } from './secure-buffer';

// Runs key-loader.mjs for one ceremony call (see there why a separate process). The PIN and the
// key value reach its stdin through an unlinked file in /dev/shm (RAM, mode 600), written from one
// Buffer with a single write syscall, overwritten with zeros and closed as soon as the child is
// done: spawnSync's `input` would copy the bytes into native buffers of this process that are
// freed without clearing (the memory-proof test found them there). Nothing of the value becomes a
// string. The call blocks for the child's life (about 0.1 s): the ceremony is an administrator's
// action, not part of a card's path. Where /dev/shm is missing the loader refuses.

const SHM = '/dev/shm';

/** stdin for the child: a RAM file holding `input`, unlinked at once; wipe() zeroes and closes it. */
function ramInput(input: Buffer): { fd: number; wipe(): void } {
  if (!existsSync(SHM)) throw new TokenError('OTHER', 'key loader: /dev/shm is not available on this system');
  const path = join(SHM, `perso-key-${randomBytes(8).toString('hex')}`);
  const w = openSync(path, 'wx', 0o600);
  let r = -1;
  try {
    writeSync(w, input, 0, input.length, 0);
    r = openSync(path, 'r');
  } finally {
    unlinkSync(path);
  }
  return {
    fd: r,
    wipe() {
      writeSync(w, Buffer.alloc(input.length), 0, input.length, 0);
      closeSync(w);
      closeSync(r);
    },
  };
}

const SCRIPT = fileURLToPath(new URL('./key-loader.mjs', import.meta.url));

export function childKeyLoader(o: { module: string; tokenLabel?: string; slot?: number; pin: () => string | null; env?: NodeJS.ProcessEnv }): KeyLoader {
  return (op: 'create' | 'kcv', keyId: string, algorithm: TokenKeyAlgorithm, value: Buffer): string => {
    const pin = o.pin();
    if (pin == null) throw new TokenError('WRONG_PIN', 'no user PIN yet');
    const pinBytes = Buffer.from(pin, 'utf8');
    // Its length travels in one byte: a longer PIN would shift into the key value.
    if (pinBytes.length > 255) {
      pinBytes.fill(0);
      throw new TokenError('WRONG_PIN', 'the user PIN is longer than 255 bytes');
    }
    const input = secureBuffer(1 + pinBytes.length + value.length);
    input[0] = pinBytes.length;
    pinBytes.copy(input, 1);
    value.copy(input, 1 + pinBytes.length);
    pinBytes.fill(0);
    let r;
    let stdin: { fd: number; wipe(): void } | null = null;
    try {
      stdin = ramInput(input);
      input.fill(0);
      r = spawnSync(process.execPath, [SCRIPT, JSON.stringify({ module: o.module, tokenLabel: o.tokenLabel, slot: o.slot, op, keyId, algorithm })], { stdio: [stdin.fd, 'pipe', 'pipe'], env: o.env ?? process.env, timeout: 30_000, maxBuffer: 64 * 1024 });
    } finally {
      input.fill(0);
      stdin?.wipe();
    }
    if (r.error) throw new TokenError('OTHER', `key loader: ${r.error.message}`);
    let out: { kcv?: string; error?: string; ckr?: string | null };
    try {
      out = JSON.parse(r.stdout.toString('utf8'));
    } catch {
      throw new TokenError('OTHER', `key loader ended without an answer (status ${r.status})`);
    }
    if (out.kcv) return out.kcv;
    throw new TokenError(out.ckr ? classifyCkr(out.ckr) : 'OTHER', `key loader: ${out.error}`, out.ckr ?? undefined);
  };
}
