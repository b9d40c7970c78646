import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';

// Block-cipher helpers on Node's OpenSSL. OpenSSL 3 keeps single DES in the legacy provider,
// which Node does not load, so single DES is done as two-key 3DES with K1 = K2 (EDE with equal
// keys is one DES pass). Every call works on whole blocks: padding is always explicit (pad80).

function run(algo: string, key: Buffer, iv: Buffer | null, data: Buffer, decrypt: boolean): Buffer {
  const c = decrypt ? createDecipheriv(algo, key, iv) : createCipheriv(algo, key, iv);
  c.setAutoPadding(false);
  const a = c.update(data);
  const b = c.final();
  return b.length ? Buffer.concat([a, b]) : a;
}

function aesName(key: Buffer, mode: 'ecb' | 'cbc'): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new Error(`AES key must be 16, 24 or 32 bytes, not ${key.length}`);
  return `aes-${key.length * 8}-${mode}`;
}

function desName(key: Buffer, mode: 'ecb' | 'cbc'): string {
  if (key.length === 16) return `des-ede-${mode}`;
  if (key.length === 24) return `des-ede3-${mode}`;
  throw new Error(`3DES key must be 16 or 24 bytes, not ${key.length}`);
}

const ZERO16 = Buffer.alloc(16);
const ZERO8 = Buffer.alloc(8);

export const aesEcbEncrypt = (key: Buffer, data: Buffer) => run(aesName(key, 'ecb'), key, null, data, false);
export const aesEcbDecrypt = (key: Buffer, data: Buffer) => run(aesName(key, 'ecb'), key, null, data, true);
export const aesCbcEncrypt = (key: Buffer, data: Buffer, iv: Buffer = ZERO16) => run(aesName(key, 'cbc'), key, iv, data, false);
export const aesCbcDecrypt = (key: Buffer, data: Buffer, iv: Buffer = ZERO16) => run(aesName(key, 'cbc'), key, iv, data, true);

export const des3EcbEncrypt = (key: Buffer, data: Buffer) => run(desName(key, 'ecb'), key, null, data, false);
export const des3EcbDecrypt = (key: Buffer, data: Buffer) => run(desName(key, 'ecb'), key, null, data, true);
export const des3CbcEncrypt = (key: Buffer, data: Buffer, iv: Buffer = ZERO8) => run(desName(key, 'cbc'), key, iv, data, false);
export const des3CbcDecrypt = (key: Buffer, data: Buffer, iv: Buffer = ZERO8) => run(desName(key, 'cbc'), key, iv, data, true);

/** Single DES (8-byte key) as 3DES with K1 = K2. */
function singleDesKey(key8: Buffer): Buffer {
  if (key8.length !== 8) throw new Error(`DES key must be 8 bytes, not ${key8.length}`);
  return Buffer.concat([key8, key8]);
}
export const desEcbEncrypt = (key8: Buffer, data: Buffer) => run('des-ede-ecb', singleDesKey(key8), null, data, false);
export const desCbcEncrypt = (key8: Buffer, data: Buffer, iv: Buffer = ZERO8) => run('des-ede-cbc', singleDesKey(key8), iv, data, false);

/** ISO 9797-1 padding method 2: always appends 80, then 00 up to a whole block. */
export function pad80(data: Buffer, block: number): Buffer {
  const n = (Math.floor(data.length / block) + 1) * block;
  const out = Buffer.alloc(n);
  data.copy(out, 0);
  out[data.length] = 0x80;
  return out;
}

/** Removes 80 00.. padding; null when the padding is malformed. */
export function unpad80(data: Buffer): Buffer | null {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0) i--;
  if (i < 0 || data[i] !== 0x80) return null;
  return data.subarray(0, i);
}

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** Constant-time comparison for cryptograms and MACs. */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** 3DES key check value: first 3 bytes of 3DES-ECB(key, 00×8). */
export function kcvDes3(key: Buffer): Buffer {
  return des3EcbEncrypt(key, ZERO8).subarray(0, 3);
}

/** AES key check value, GP Amd D §7.2.2: first 3 bytes of AES(key, 01×16); some vendors use 00×16. */
export function kcvAes(key: Buffer, zeroBlock = false): Buffer {
  return aesEcbEncrypt(key, zeroBlock ? ZERO16 : Buffer.alloc(16, 1)).subarray(0, 3);
}
