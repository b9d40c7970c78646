import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

// Password hashing with scrypt (memory-hard). The stored form carries its parameters, so they
// can be raised later without invalidating existing hashes:
//   scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** N=2^15, r=8, p=1: 32 MiB and about 50–100 ms on the station's CPU. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 15, r: 8, p: 1 };
const KEYLEN = 32;
export const MIN_PASSWORD = 12;
const MAX_PASSWORD = 1024;

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParams): Buffer {
  return scryptSync(password.normalize('NFC'), salt, KEYLEN, { N, r, p, maxmem: 256 * N * r + 16 * 1024 * 1024 });
}

export function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): string {
  const salt = randomBytes(16);
  const h = derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), h.toString('base64')].join('$');
}

export function verifyPassword(password: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  const got = derive(password, salt, { N, r, p });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** Why a password is refused (null when it is acceptable). PCI: at least 12 characters, letters and digits. */
export function passwordProblem(password: string, username: string): string | null {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD) return `a password needs at least ${MIN_PASSWORD} characters`;
  if (password.length > MAX_PASSWORD) return `a password may have at most ${MAX_PASSWORD} characters`;
  if (!/\p{L}/u.test(password) || !/\p{N}/u.test(password)) return 'a password needs both letters and digits';
  if (username && password.toLowerCase().includes(username.toLowerCase())) return 'a password must not contain the user name';
  return null;
}
